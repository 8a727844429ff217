/**
 * Spells `${prefix}${n}` for a counter n, exactly as that template literal does, more cheaply.
 * The literal converts each new number to a string with a call into the VM's runtime, which
 * also keeps the digits in a cache, so they outlive young-generation collections. Here each
 * id costs one short concatenation: the prefix with n's thousands is made once per thousand.
 */
export class NumberedIds {
  private readonly prefix: string;
  private thousands = -1;
  private head = '';

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** n is a non-negative integer (below 10^21, where the literal would switch to exponents). */
  idOf(n: number): string {
    if (n < 1000) return `${this.prefix}${n}`;
    const thousands = Math.floor(n / 1000);
    if (thousands !== this.thousands) {
      this.thousands = thousands;
      this.head = `${this.prefix}${thousands}`;
    }
    return this.head + THREE_DIGITS[n - thousands * 1000];
  }
}

/** '000' to '999'. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

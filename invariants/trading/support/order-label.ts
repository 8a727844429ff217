/** How messages name an order: `order O12 (maker, c7)`. */
export function orderLabel(
  orderId: string,
  account: string | undefined,
  clientOrderId: string | undefined,
): string {
  return `order ${orderId} (${account ?? '?'}, ${clientOrderId ?? '?'})`;
}

import { Observable, type Subscriber } from 'rxjs';

/**
 * Multicasts values as a Subject does (a subscriber gets what is emitted after it subscribed,
 * a subscriber added or dropped while a value is handed out counts from the next value, and one
 * that subscribes after the end is completed at once), without the Subject's cost per value:
 * the ES5 build of rxjs that Node loads allocates a closure and an iterator for every
 * Subject.next. A client hands out every event through one, and an in-process link every message.
 */
export class Fanout<T> {
  /** Replaced, never changed in place, so a value is handed out over a stable list. */
  private listeners: readonly Subscriber<T>[] = [];
  private stopped = false;

  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    if (this.stopped) {
      subscriber.complete();
      return;
    }
    this.listeners = [...this.listeners, subscriber];
    return () => {
      this.listeners = this.listeners.filter((listener) => listener !== subscriber);
    };
  });

  next(value: T): void {
    if (this.stopped) return;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i].next(value);
  }

  complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener.complete();
  }
}

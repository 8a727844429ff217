import { Observable } from 'rxjs';

/** What a Fanout hands values to: an rxjs Subscriber, or a listener added with `listen`. */
interface FanoutListener<T> {
  next(value: T): void;
  complete(): void;
}

/**
 * Multicasts values as a Subject does (a subscriber gets what is emitted after it subscribed,
 * a subscriber added or dropped while a value is handed out counts from the next value, and one
 * that subscribes after the end is completed at once), without the Subject's cost per value:
 * the ES5 build of rxjs that Node loads allocates a closure and an iterator for every
 * Subject.next. A client hands out every event through one, and an in-process link every message.
 * `listen` adds a listener with no Subscriber around it (the in-process run's direct path);
 * it shares the subscribers' list, so it keeps the same order and the same rules.
 */
export class Fanout<T> {
  /** Replaced, never changed in place, so a value is handed out over a stable list. */
  private listeners: readonly FanoutListener<T>[] = [];
  private stopped = false;

  readonly observable: Observable<T> = new Observable<T>((subscriber) => this.add(subscriber));

  /**
   * Hands every later value to `next`, and the end to `complete`; returns what stops it. A
   * listener stopped while a value is handed out does not get that value (as an unsubscribed
   * Subscriber does not); after the end, `complete` is called at once.
   */
  listen(next: (value: T) => void, complete?: () => void): () => void {
    let listening = true;
    const stopListening = this.add({
      next: (value) => {
        if (listening) next(value);
      },
      complete: () => {
        if (!listening) return;
        listening = false;
        complete?.();
      },
    });
    return () => {
      listening = false;
      stopListening();
    };
  }

  private add(listener: FanoutListener<T>): () => void {
    if (this.stopped) {
      listener.complete();
      return NOTHING_TO_STOP;
    }
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

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

/** The stop of a listener that was never added. */
const NOTHING_TO_STOP = (): void => {};

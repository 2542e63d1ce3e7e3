/**
 * A tiny keyed external store: components subscribe to the keys they render (one instance, the graph,
 * the operations list), so a change to one instance re-renders that instance's card and nothing else.
 */
import { useSyncExternalStore } from "react";

export class KeyedEmitter {
  #listeners = new Map<string, Set<() => void>>();

  subscribe(key: string, listener: () => void): () => void {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
    };
  }

  emit(key: string): void {
    const set = this.#listeners.get(key);
    if (set) for (const listener of [...set]) listener();
  }
}

/** Subscribes a component to one key of an emitter and reads a value that must be referentially stable. */
export function useKeyed<T>(emitter: KeyedEmitter, key: string, read: () => T): T {
  return useSyncExternalStore((listener) => emitter.subscribe(key, listener), read, read);
}

/** A minimal observable value for app-wide UI state. */
export class Observable<T> {
  #listeners = new Set<() => void>();
  constructor(private value: T) {}
  get(): T {
    return this.value;
  }
  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of [...this.#listeners]) listener();
  }
  update(change: (value: T) => T): void {
    this.set(change(this.value));
  }
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
}

export function useObservable<T>(observable: Observable<T>): T {
  return useSyncExternalStore(
    observable.subscribe,
    () => observable.get(),
    () => observable.get(),
  );
}

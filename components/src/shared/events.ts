/**
 * Dispatches a `pb-*` CustomEvent that bubbles and crosses shadow roots
 * (`composed`): pages listen on the element or any ancestor. The event name
 * and detail type come from `GlobalEventHandlersEventMap`, where each
 * component declares its events once.
 *
 * @returns false when a listener called `preventDefault()` (events are cancelable).
 */
export function emit<K extends keyof GlobalEventHandlersEventMap & `pb-${string}`>(
  target: EventTarget,
  name: K,
  detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true }));
}

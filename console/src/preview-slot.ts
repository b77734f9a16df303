/**
 * The preview slot, used when the viewer player's component (player/src/player.ts) is not in the
 * checkout (console/build.ts resolves `onair-player` to one or the other). It plays nothing: it says
 * so and links the stream, with the same mountPlayer/subscribe/destroy shape as the player.
 */
export interface PreviewStats {
  state: string;
  current: { label: string } | null;
  bandwidthEstimate: number | null;
  latency: number | null;
  fatalError: string | null;
}

export interface PreviewHandle {
  subscribe(listener: (stats: PreviewStats) => void): () => void;
  destroy(): void;
}

export function mountPlayer(container: HTMLElement, options: { src: string }): PreviewHandle {
  const note = document.createElement('p');
  note.className = 'slot';
  note.textContent = `Preview player not built into this console (player/src/player.ts is missing). Stream: ${options.src}`;
  container.appendChild(note);
  return {
    subscribe: (listener) => {
      listener({ state: 'unavailable', current: null, bandwidthEstimate: null, latency: null, fatalError: null });
      return () => undefined;
    },
    destroy: () => note.remove(),
  };
}

// The palette's developer panels (dev stats, chunk store browser) and page-side actions (fullscreen,
// clipboard): built from `state.dev`. Called on every state change by main.js.

export function renderDevPanels(ctx, state) {
  void ctx;
  void state;
}

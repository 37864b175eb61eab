// The palette's screens and dialogs drawn over the viewer (about, settings, command palette, open / save
// dialogs): built from `state.modal`. Called on every state change by main.js.

export function renderModals(ctx, state) {
  void ctx;
  void state;
}

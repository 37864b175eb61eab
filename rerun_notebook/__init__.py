"""The notebook widget: an anywidget remote framebuffer fed by the kernel-side renderer."""

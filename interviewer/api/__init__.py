"""HTTP and WebSocket routes, one module per resource; `install` wires them into the app."""

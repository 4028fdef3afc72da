"""Composition: settings, the ASGI app and its lifespan, the CLI, GraphiQL, the emulators."""

"""The data layer: upstream clients, wire models, dataloaders and paging adapters.

Nothing here knows about Strawberry; `schema/` maps what this layer returns.
"""

"""The selection, the view and the deck as plain data: validation, the URL codec and the reducers (no Dash)."""

"""Pure figure builders: DataFrame in, go.Figure out (built from plain dicts, see theme.figure). No Dash imports."""

"""What each panel shows, as frames and sentences: validated state in, public-mode rules applied once (no Dash)."""

"""Every static component id, prefixed by panel. No string ids elsewhere."""

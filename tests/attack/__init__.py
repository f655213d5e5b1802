"""Attack tests (issue 18): each module is one thing the loader withstands, each test name one attack."""

"""Read models: plain data shared by ``cards/`` (which draws them) and ``services/`` (which fills them)."""

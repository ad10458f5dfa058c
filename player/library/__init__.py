"""The course library: installed bundles, uploads waiting for approval, trusted publishers."""

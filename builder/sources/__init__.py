"""Source texts as received: decoding, lines, normalisation (OCR clean-up) with the ledger, corrections, provenance."""

"""Signed records: RFC 8785 canonical JSON, in-toto Statements, DSSE envelopes sealed with the
portal's Ed25519 key, and the hash-chained ledger. docs/signing.md describes the formats."""

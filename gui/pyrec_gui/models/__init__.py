"""Qt item models over what the service returns (the dict shapes of pyrec.shapes)."""

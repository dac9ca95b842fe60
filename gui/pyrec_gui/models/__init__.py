"""Qt item models over what the service returns (pyrec.views dict shapes)."""

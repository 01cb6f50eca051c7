"""The anti-spam proof as the ALTCHA widget sends it, for tests of anonymous writes."""

from altcha import Challenge, Payload, solve_challenge
from django.test import Client

CHALLENGE = "/api/v1/altcha/challenge/"


def solved(client: Client) -> str:
    """A fresh challenge from our endpoint, solved."""
    challenge = Challenge.from_dict(client.get(CHALLENGE).json())
    solution = solve_challenge(challenge)
    assert solution is not None
    return Payload(challenge, solution).to_base64()

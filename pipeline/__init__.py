"""The request pipeline between the HTTP adapters and the executors (pipeline/sequence.py)."""

from pipeline.answers import Answer, HandOver, Hit, Reply
from pipeline.request import GraphQLRequest, Operation, Route
from pipeline.sequence import finish, run
from pipeline.steps import Contexts, Shaping, Steps

__all__ = [
    "Answer",
    "Contexts",
    "GraphQLRequest",
    "HandOver",
    "Hit",
    "Operation",
    "Reply",
    "Route",
    "Shaping",
    "Steps",
    "finish",
    "run",
]

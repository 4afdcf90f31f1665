"""FastAPI dependencies: typed access to the service container."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from chatbot.chain.service import ChatService
from chatbot.services import Services
from chatbot.settings import Settings


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_settings(request: Request) -> Settings:
    return request.app.state.services.settings


def get_chat(request: Request) -> ChatService:
    chat = request.app.state.services.chat
    assert chat is not None
    return chat


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ChatDep = Annotated[ChatService, Depends(get_chat)]

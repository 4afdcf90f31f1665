"""HTTP endpoints of the image tools: handwritten digit recognition and face mosaic."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from chatbot.api.errors import ApiError
from chatbot.tools.config import MAX_MOSAIC_BLOCK, MIN_MOSAIC_BLOCK
from chatbot.tools.images import ImageToolError, too_large_bytes
from chatbot.tools.service import FaceSearch, ImageTools

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/tools", tags=["tools"])

FACES_HEADER = "X-Faces-Detected"


def get_image_tools(request: Request) -> ImageTools:
    return request.app.state.image_tools  # type: ignore[no-any-return]


ImageToolsDep = Annotated[ImageTools, Depends(get_image_tools)]
ImageUpload = Annotated[
    UploadFile,
    File(
        description="The image: PNG, JPEG, GIF (single frame), BMP, WEBP or TIFF. "
        "이미지 파일(PNG, JPEG, 한 장짜리 GIF, BMP, WEBP, TIFF)."
    ),
]


class DigitResponse(BaseModel):
    digit: int = Field(ge=0, le=9, description="The recognised digit.")
    confidence: float = Field(ge=0, le=1, description="The model's probability for `digit`.")
    probabilities: list[float] = Field(
        min_length=10, max_length=10, description="Probability of each digit 0-9."
    )


class FaceBoxOut(BaseModel):
    x: int = Field(description="Left edge, pixels.")
    y: int = Field(description="Top edge, pixels.")
    w: int = Field(description="Width, pixels.")
    h: int = Field(description="Height, pixels.")


class MosaicFaces(BaseModel):
    faces: int = Field(description="Number of faces detected and pixelated.")
    boxes: list[FaceBoxOut] = Field(description="Where each face was, in image pixels.")
    width: int = Field(description="Image width, pixels.")
    height: int = Field(description="Image height, pixels.")


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Empty file. 빈 파일."},
    413: {"description": "File or image too large. 파일 용량 또는 픽셀 수 초과."},
    415: {
        "description": "Not an image or unsupported format. 이미지가 아니거나 지원하지 않는 형식."
    },
    422: {
        "description": "Corrupt, truncated or animated image, no digit found, or invalid "
        "parameters. 손상·잘림·움직이는 이미지, 숫자 없음, 잘못된 매개변수."
    },
}


def _client_error(exc: ImageToolError) -> ApiError:
    return ApiError(exc.status_code, exc.code, ko=exc.ko, en=exc.en)


async def _read_upload(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, reading at most ``limit + 1`` to detect oversize files."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise _client_error(too_large_bytes(limit))
    return data


@router.post("/digit", response_model=DigitResponse, responses=_ERRORS)
async def recognize_digit(tools: ImageToolsDep, file: ImageUpload) -> DigitResponse:
    """Recognise one handwritten digit (0-9) in an image.

    Send a picture of a **single** digit as the multipart field `file`: a photo, a scan or
    a drawing, dark ink on light paper or light ink on a dark background. The image is
    cropped to the ink and normalised like MNIST before a small CNN classifies it.

    손글씨 숫자 하나(0~9)가 담긴 이미지를 `file` 필드로 올리면 어떤 숫자인지와 확률을
    알려 줘요. 예: `curl -F file=@seven.png http://localhost:8000/tools/digit` →
    `{"digit": 7, "confidence": 0.99, "probabilities": [...]}`
    """
    data = await _read_upload(file, tools.config.max_upload_bytes)
    try:
        result = await run_in_threadpool(tools.recognize_digit, data)
    except ImageToolError as exc:
        raise _client_error(exc) from exc
    return DigitResponse(
        digit=result.digit, confidence=result.confidence, probabilities=result.probabilities
    )


def _faces_json(result: FaceSearch) -> dict[str, Any]:
    return MosaicFaces(
        faces=result.faces,
        boxes=[FaceBoxOut(**box.as_dict()) for box in result.boxes],
        width=result.width,
        height=result.height,
    ).model_dump()


@router.post(
    "/mosaic",
    response_class=Response,
    responses={
        200: {
            "model": MosaicFaces,
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                FACES_HEADER: {
                    "description": "Number of faces found. 찾은 얼굴 수.",
                    "schema": {"type": "integer"},
                }
            },
            "description": "The image as PNG with faces pixelated (default), or with "
            "`format=json` the face boxes. Header `X-Faces-Detected` gives the count.",
        },
        **_ERRORS,
    },
)
async def mosaic_faces(
    tools: ImageToolsDep,
    file: ImageUpload,
    block: Annotated[
        int | None,
        Query(
            ge=MIN_MOSAIC_BLOCK,
            le=MAX_MOSAIC_BLOCK,
            description="Mosaic block size in pixels; default from the server settings. "
            "모자이크 블록 크기(픽셀).",
        ),
    ] = None,
    output: Annotated[
        Literal["png", "json"],
        Query(
            alias="format",
            description="`png`: the pixelated image; `json`: only the face boxes. "
            "`png`는 모자이크한 이미지, `json`은 얼굴 위치만.",
        ),
    ] = "png",
) -> Response:
    """Hide every face in a photo behind a pixel mosaic.

    Faces are found with OpenCV's frontal-face detector; each one is replaced by squares
    of `block` x `block` pixels in their average colour. Everything outside the faces is
    returned unchanged, as PNG (RGBA when the upload has transparency). With
    `format=json` the response is `{"faces", "boxes": [{"x", "y", "w", "h"}], "width",
    "height"}` instead. The header `X-Faces-Detected` carries the number of faces.

    사진 속 얼굴을 찾아 모자이크해 PNG로 돌려줘요. 얼굴 밖의 픽셀은 그대로예요.
    예: `curl -F file=@group.jpg 'http://localhost:8000/tools/mosaic?block=16' -o out.png`,
    얼굴 위치만 필요하면 `?format=json`.
    """
    data = await _read_upload(file, tools.config.max_upload_bytes)
    try:
        if output == "json":
            found = await run_in_threadpool(tools.find_faces, data)
            return JSONResponse(_faces_json(found), headers={FACES_HEADER: str(found.faces)})
        result = await run_in_threadpool(tools.mosaic, data, block)
    except ImageToolError as exc:
        raise _client_error(exc) from exc
    return Response(
        content=result.png, media_type="image/png", headers={FACES_HEADER: str(result.faces)}
    )

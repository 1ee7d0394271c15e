"""Album cover serving on both storage tiers: sizes, WebP or JPEG by Accept, ETag and 304,
immutable caching with a version, the placeholder, and no throttling."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from httpx import AsyncClient, Response
from PIL import Image
from sqlalchemy import update

from echo.bootstrap import Services
from echo.features.albums.models import Album
from echo.settings import Settings
from tests.conftest import make_settings
from tests.fixtures.library import build_library
from tests.fixtures.manifest import EVERY_FORMAT, LibraryManifest
from tests.fixtures.scanning import album_named, scan_library

WEBP = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"  # what Chromium sends
JPEG_ONLY = "image/jpeg,image/png,*/*;q=0.5"
IMMUTABLE = "public, max-age=31536000, immutable"
RED = (200, 30, 30)  # the folder cover of "Every Format", 320 px


@pytest.fixture
def settings(
    backend: str, database_urls: dict[str, str], tmp_path: Path, library_dir: Path
) -> Settings:
    """A tiny global rate limit: image routes must not count against it."""
    return make_settings(backend, database_urls, tmp_path, library_dir, rate_limit_global=5)


@pytest.fixture
async def library(library_dir: Path, services: Services) -> LibraryManifest:
    manifest = build_library(library_dir)
    await scan_library(services)
    return manifest


async def cover_url(services: Services, album_name: str) -> str:
    album = await album_named(services, album_name)
    return f"/api/images/albums/{album.id}/cover"


def image_of(response: Response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def close_to(color: tuple[int, ...], expected: tuple[int, int, int], slack: int = 12) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(color, expected, strict=False))


async def test_each_size_is_served_as_webp_to_a_client_that_accepts_it(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    url = await cover_url(services, EVERY_FORMAT)
    for size, pixels in (("200", 200), ("thumb", 200), ("300", 300), ("small", 300),
                         ("500", 320), ("medium", 320)):  # fmt: skip
        response = await client.get(url, params={"size": size}, headers={"Accept": WEBP})

        assert response.status_code == 200, size
        assert response.headers["content-type"] == "image/webp"
        assert "Accept" in response.headers["vary"]
        image = image_of(response)
        assert image.format == "WEBP"
        # Variants are never enlarged: the 320 px original stays 320 px at "500".
        assert image.size == (pixels, pixels), size
        assert close_to(image.getpixel((pixels // 2, pixels // 2)), RED)  # type: ignore[arg-type]


async def test_a_client_without_webp_gets_jpeg(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    url = await cover_url(services, EVERY_FORMAT)
    for accept in (JPEG_ONLY, "image/webp;q=0, image/*", None):
        headers = {"Accept": accept} if accept else {}

        response = await client.get(url, params={"size": "300"}, headers=headers)

        assert response.headers["content-type"] == "image/jpeg", accept
        image = image_of(response)
        assert (image.format, image.size) == ("JPEG", (300, 300))


async def test_without_a_size_the_stored_original_is_served_byte_for_byte(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    for name, mime in ((EVERY_FORMAT, "image/jpeg"), ("Collaborations", "image/png")):
        expected = library.album(name).cover_image

        response = await client.get(await cover_url(services, name), headers={"Accept": WEBP})

        assert response.status_code == 200
        assert response.headers["content-type"] == mime
        assert response.content == expected


async def test_the_etag_is_strong_and_differs_per_variant_and_a_match_answers_304(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, EVERY_FORMAT)
    url = await cover_url(services, EVERY_FORMAT)
    webp = await client.get(url, params={"size": "200"}, headers={"Accept": WEBP})
    jpeg = await client.get(url, params={"size": "200"}, headers={"Accept": JPEG_ONLY})
    original = await client.get(url)

    etags = [r.headers["etag"] for r in (webp, jpeg, original)]
    assert len(set(etags)) == 3
    assert all(tag.startswith('"') and album.cover_hash in tag for tag in etags)
    assert original.headers["etag"] == f'"{album.cover_hash}"'

    again = await client.get(
        url, params={"size": "200"}, headers={"Accept": WEBP, "If-None-Match": etags[0]}
    )
    weak = await client.get(url, headers={"If-None-Match": f'"other", W/{etags[2]}'})
    stale = await client.get(
        url, params={"size": "200"}, headers={"Accept": WEBP, "If-None-Match": etags[1]}
    )

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etags[0]
    assert weak.status_code == 304
    assert stale.status_code == 200
    assert stale.content == webp.content


async def test_a_versioned_url_is_cached_immutably_and_an_unversioned_one_is_revalidated(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, EVERY_FORMAT)
    assert album.cover_hash is not None
    url = await cover_url(services, EVERY_FORMAT)

    versioned = await client.get(url, params={"size": "small", "v": album.cover_hash[:16]})
    tagged = await client.get(url, params={"tag": "1700000000"})
    plain = await client.get(url, params={"size": "small"})

    assert versioned.headers["cache-control"] == IMMUTABLE
    assert tagged.headers["cache-control"] == IMMUTABLE
    assert plain.headers["cache-control"] == "public, no-cache"


async def test_a_new_version_is_served_fresh_although_the_old_cover_was_cached(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, EVERY_FORMAT)
    other = await album_named(services, "Collaborations")
    assert other.cover_hash is not None
    url = await cover_url(services, EVERY_FORMAT)
    first = await client.get(url)  # caches the current cover hash
    async with services.sessions() as session:
        await session.execute(
            update(Album).where(Album.id == album.id).values(cover_hash=other.cover_hash)
        )
        await session.commit()

    changed = await client.get(url, params={"v": other.cover_hash[:16]})

    assert first.content == library.album(EVERY_FORMAT).cover_image
    assert changed.content == library.album("Collaborations").cover_image


async def test_an_album_without_a_cover_gets_the_placeholder_which_is_never_cached_for_long(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    url = await cover_url(services, "教育")

    original = await client.get(url, params={"v": "abc"})
    small = await client.get(url, params={"size": "small"}, headers={"Accept": WEBP})
    again = await client.get(url, headers={"If-None-Match": original.headers["etag"]})

    assert original.status_code == 200
    assert original.headers["content-type"] == "image/png"
    assert original.headers["cache-control"] == "no-cache"
    assert image_of(original).size == (500, 500)
    assert image_of(small).size == (300, 300)
    assert small.headers["cache-control"] == "no-cache"
    assert again.status_code == 304
    # Drawn once, then served from the data folder.
    placeholders = list((services.settings.data_dir / "covers" / "placeholder").glob("*.png"))
    assert len(placeholders) == 2


async def test_an_unknown_album_is_404_and_an_unknown_size_is_400(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    unknown = "/api/images/albums/00000000-0000-4000-8000-000000000000/cover"
    assert (await client.get(unknown)).status_code == 404
    url = await cover_url(services, EVERY_FORMAT)
    assert (await client.get(url, params={"size": "1000"})).status_code == 400


async def test_image_routes_are_public_and_never_throttled(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    url = await cover_url(services, EVERY_FORMAT)
    statuses = {(await client.get(url, params={"size": "thumb"})).status_code for _ in range(20)}
    assert statuses == {200}
    throttled = {(await client.get("/api/auth/me")).status_code for _ in range(10)}
    assert 429 in throttled  # the limit is real elsewhere


async def test_the_album_cover_route_answers_the_original_for_30_days_or_404(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, "Ágætis byrjun")
    without = await album_named(services, "教育")

    response = await client.get(f"/api/albums/{album.id}/cover")

    assert response.status_code == 200
    assert response.content == library.album("Ágætis byrjun").cover_image
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "public, max-age=2592000"
    assert (await client.get(f"/api/albums/{without.id}/cover")).status_code == 404

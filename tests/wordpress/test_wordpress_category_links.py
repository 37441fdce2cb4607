"""Old WordPress category links (/category/…/) keep working after an import."""

import pytest

from tests.support.factories import make_section

pytestmark = pytest.mark.django_db


def test_a_wordpress_category_link_redirects_to_its_section(client):
    make_section(name="World", slug="world")

    response = client.get("/category/world/")

    assert response.status_code == 301
    assert response["Location"] == "/section/world/"


def test_a_subcategory_link_redirects_to_the_section_of_its_last_slug(client):
    make_section(name="Europe", slug="europe")

    response = client.get("/category/world/europe/")

    assert response.status_code == 301
    assert response["Location"] == "/section/europe/"


@pytest.mark.parametrize("path", ["/category/nowhere/", "/category/%00/"])
def test_an_unknown_or_junk_category_is_not_found(client, path):
    assert client.get(path).status_code == 404

"""Each export read back the way a planner's tools read it: csv, openpyxl, GDAL."""

import csv
import io
import json

import pytest
from django.contrib.gis.gdal import DataSource
from openpyxl import load_workbook

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAL = ("anna", "@example.org", "192.0.2", "browser", "user_id", "source_address")


@pytest.fixture
def planner_client(client_factory, answered):
    planner = UserFactory(username="planner-paula", planner_of=answered.project)
    return client_factory(planner)


def get(client, survey, name):
    response = client.get(f"/projects/{survey.project.slug}/surveys/{survey.slug}/results/{name}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_the_csv_has_one_row_per_response_one_column_per_option_and_inert_formulas(
    planner_client,
    answered,
    questions,
):
    response, body = get(planner_client, answered, "export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="test-project-mobility-responses.csv"'
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 5
    owns, charge, trips = questions["owns"].pk, questions["charge"].pk, questions["trips"].pk
    first = rows[0]
    assert list(first)[:3] == ["response_id", "submitted_on", "language"]
    assert first[f"q{owns}"] == "yes"
    assert (first[f"q{charge}_home"], first[f"q{charge}_work"], first[f"q{charge}_public"]) == ("1", "1", "0")
    assert first[f"q{trips}"] == "0"
    assert first[f"q{questions['point'].pk}"] == "POINT(8.4 49)"
    assert first[f"q{questions['line'].pk}"].startswith("LINESTRING(")
    assert rows[3][f"q{trips}"] == "49.5"
    assert rows[3][f"q{questions['text'].pk}"] == "'=HYPERLINK(1)"
    assert rows[2][f"q{charge}_home"] == ""  # hidden for non-owners: not answered, not "0"
    assert rows[2][f"q{questions['share'].pk}"] == "no"
    assert not any(word in body.decode("utf-8-sig") for word in PERSONAL)


def test_the_xlsx_keeps_numbers_as_numbers_and_formulas_as_text(planner_client, answered, questions):
    _response, body = get(planner_client, answered, "export.xlsx")
    book = load_workbook(io.BytesIO(body))
    sheet = book["responses"]
    header, *rows = list(sheet.iter_rows(values_only=True))

    assert len(rows) == 5
    trips = header.index(f"q{questions['trips'].pk}")
    assert [row[trips] for row in rows] == [0, 12, 25, 49.5, 50]
    text = header.index(f"q{questions['text'].pk}")
    assert rows[3][text] == "'=HYPERLINK(1)"
    assert sheet.cell(row=5, column=text + 1).data_type == "s"
    assert "codebook" in book.sheetnames
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert not any(word in cells for word in PERSONAL)


def test_the_geojson_of_the_map_answers_reads_in_gdal(planner_client, answered, questions, tmp_path):
    response, body = get(planner_client, answered, "export.geojson")
    assert response["Content-Type"] == "application/geo+json"
    path = tmp_path / "answers.geojson"
    path.write_bytes(body)

    layer = DataSource(str(path))[0]  # our own file, not user input
    assert len(layer) == 5  # four points and a line
    assert sorted(layer.fields) == ["kind", "question_id", "response_id"]
    kinds = sorted(feature.get("kind") for feature in layer)
    assert kinds == ["map_line", "map_point", "map_point", "map_point", "map_point"]
    assert {feature.geom.srid for feature in layer} == {4326}
    assert not any(word in body.decode() for word in PERSONAL)
    collection = json.loads(body)
    assert collection["features"][0]["properties"]["response_id"]


def test_the_codebook_names_every_column_with_its_texts_and_options(planner_client, answered, questions):
    _response, body = get(planner_client, answered, "codebook.csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    by_column = {}
    for row in rows:
        by_column.setdefault(row["column"], []).append(row)

    _csv_response, csv_body = get(planner_client, answered, "export.csv")
    csv_header = next(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
    assert set(csv_header[3:]) == set(by_column)
    owns = by_column[f"q{questions['owns'].pk}"]
    assert [r["option_key"] for r in owns] == ["yes", "no"]
    charge = by_column[f"q{questions['charge'].pk}_home"][0]
    assert (charge["kind"], charge["min"], charge["max"]) == ("multiple", "1", "2")
    assert (charge["shown_if_question_id"], charge["shown_if_option_key"]) == (
        str(questions["owns"].pk),
        "yes",
    )
    scale = by_column[f"q{questions['scale'].pk}"][0]
    assert (scale["min"], scale["max"], scale["text_en"]) == ("1", "5", questions["scale"].text_en)

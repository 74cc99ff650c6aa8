"""Malformed or unknown parameters get a 400 naming the parameter; never a 500."""

from tests.api.dataset import APITestCase

BAD_REQUESTS = [
    # (path, the parameter the answer must name)
    ("/api/v1/hazard-areas/?start=2023-02-30", "start"),
    ("/api/v1/hazard-areas/?start=yesterday", "start"),
    ("/api/v1/hazard-areas/?end=10/11/12", "end"),
    ("/api/v1/hazard-areas/?start=2023-01-01&end=2022-01-01", "end"),
    ("/api/v1/hazard-areas/?bbox=46,39,47", "bbox"),
    ("/api/v1/hazard-areas/?bbox=47,39,46,41", "bbox"),
    ("/api/v1/hazard-areas/?bbox=nan,39,47,41", "bbox"),
    ("/api/v1/hazard-areas/?bbox=-inf,39,47,41", "bbox"),
    ("/api/v1/hazard-areas/?bbox=1e309,39,47,41", "bbox"),
    ("/api/v1/hazard-areas/?bbox=46,39,47,91", "bbox"),
    ("/api/v1/hazard-areas/?bbox=a,b,c,d", "bbox"),
    ("/api/v1/hazard-areas/?category=unknown", "category"),
    ("/api/v1/hazard-areas/?status=gone", "status"),
    ("/api/v1/hazard-areas/?hazard_type=nuclear", "hazard_type"),
    ("/api/v1/hazard-areas/?area=/etc/passwd", "area"),
    ("/api/v1/hazard-areas/?area=..%2F..%2Fsecret", "area"),
    ("/api/v1/hazard-areas/?area=%7B%22%24ne%22%3A1%7D", "area"),
    ("/api/v1/hazard-areas/?area=ZZ", "area"),
    ("/api/v1/hazard-areas/?q=%7B%22%24gt%22%3A%22%22%7D", "q"),
    ("/api/v1/hazard-areas/?q=%5B1%2C2%5D", "q"),
    ("/api/v1/hazard-areas/?q=a%00b", "q"),
    ("/api/v1/hazard-areas/?organisation=abc", "organisation"),
    ("/api/v1/hazard-areas/?organisation=1.5", "organisation"),
    ("/api/v1/hazard-areas/?organisation=999", "organisation"),
    ("/api/v1/hazard-areas/?ordering=password", "ordering"),
    ("/api/v1/hazard-areas/?updated_since=soon", "updated_since"),
    ("/api/v1/hazard-areas/?page=abc", "page"),
    ("/api/v1/hazard-areas/?page=0", "page"),
    ("/api/v1/hazard-areas/?page=-1", "page"),
    ("/api/v1/hazard-areas/?page=1e3", "page"),
    ("/api/v1/hazard-areas/?page_size=100000", "page_size"),
    ("/api/v1/hazard-areas/?page_size=nan", "page_size"),
    ("/api/v1/hazard-areas/?zoom=23", "zoom"),
    ("/api/v1/hazard-areas/?zoom=inf", "zoom"),
    ("/api/v1/hazard-areas/?format=xml", "format"),
    ("/api/v1/hazard-areas/?colour=red", "colour"),
    ("/api/v1/hazard-areas/?area[]=AZ", "area[]"),
    ("/api/v1/hazard-areas/?start=2020-01-01&start=2021-01-01", "start"),
    ("/api/v1/hazard-areas/?method=cleared", "method"),
    ("/api/v1/land-releases/?method=cleared,exploded", "method"),
    ("/api/v1/land-releases/?category=sha", "category"),
    ("/api/v1/incidents/?device_type=laser", "device_type"),
    ("/api/v1/incidents/?zoom=5", "zoom"),
    ("/api/v1/incidents/clusters/", "zoom"),
    ("/api/v1/incidents/clusters/?zoom=nan", "zoom"),
    ("/api/v1/incidents/clusters/?zoom=5&bbox=1,2,3,4,5", "bbox"),
    ("/api/v1/areas/?level=2", "level"),
    ("/api/v1/areas/?parent=XX", "parent"),
    ("/api/v1/areas/?method=burnt", "method"),
    ("/api/v1/organisations/?kind=spy", "kind"),
    ("/api/v1/sources/?bbox=1,2,3,4", "bbox"),
    ("/api/v1/changes/", "since"),
    ("/api/v1/changes/?since=last-week", "since"),
    ("/api/v1/changes/?since=2024-01-01&kind=person", "kind"),
    ("/api/v1/stats/land-released/?group_by=colour", "group_by"),
    ("/api/v1/stats/casualties/?group_by=name", "group_by"),
    ("/api/v1/stats/summary/?group_by=year", "group_by"),
    ("/api/v1/stats/summary/?bbox=1,2,3", "bbox"),
    ("/api/v1/stats/areas/?level=x", "level"),
    ("/api/v1/downloads/mine-atlas.gpkg?layer=secrets", "layer"),
    ("/api/v1/downloads/mine-atlas.gpkg?updated_since=never", "updated_since"),
]


class ParameterTests(APITestCase):
    def test_malformed_or_unknown_parameters_get_a_400_naming_them(self):
        for path, parameter in BAD_REQUESTS:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 400, response.content[:200])
                self.assertEqual(response["Content-Type"], "application/json")
                body = response.json()
                self.assertIn(parameter, body)
                self.assertTrue(body[parameter][0])

    def test_the_message_says_what_is_wrong(self):
        body = self.get("/api/v1/hazard-areas/?bbox=46,39,47").json()
        self.assertEqual(
            body, {"bbox": ["Expected 4 numbers minLon,minLat,maxLon,maxLat; got 3 values."]}
        )

    def test_repeatable_filters_take_repeats_and_comma_lists(self):
        for path in (
            "/api/v1/land-releases/?method=cleared&method=reduced",
            "/api/v1/land-releases/?method=cleared,reduced",
        ):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["count"], 2)

    def test_filters_narrow_the_lists(self):
        for path, references in [
            ("/api/v1/hazard-areas/?area=AZ-W", ["HA-1", "HA-3"]),
            ("/api/v1/hazard-areas/?area=az", ["HA-2", "HA-1", "HA-3"]),
            ("/api/v1/hazard-areas/?category=sha", ["HA-2"]),
            ("/api/v1/hazard-areas/?status=active,in_progress", ["HA-2", "HA-1"]),
            ("/api/v1/hazard-areas/?hazard_type=uxo", ["HA-2"]),
            ("/api/v1/hazard-areas/?organisation=2", ["HA-1"]),
            ("/api/v1/hazard-areas/?start=2021-01-01&end=2021-12-31", ["HA-1"]),
            ("/api/v1/hazard-areas/?bbox=46.4,39.9,46.6,40.1", ["HA-1"]),
            ("/api/v1/hazard-areas/?q=orchard", ["HA-2"]),
            ("/api/v1/hazard-areas/?ordering=reference", ["HA-1", "HA-2", "HA-3"]),
            ("/api/v1/hazard-areas/?ordering=-area_m2", ["HA-2", "HA-3", "HA-1"]),
            ("/api/v1/hazard-areas/?updated_since=2024-01-15T12:01:00Z", ["HA-2", "HA-3"]),
            ("/api/v1/land-releases/?organisation=1", ["LR-2", "LR-1"]),
            ("/api/v1/land-releases/?start=2023-01-01", ["LR-3", "LR-2"]),
            ("/api/v1/incidents/?area=AZ-E", ["IN-2", "IN-3"]),
            ("/api/v1/incidents/?casualty_group=deminer", ["IN-2"]),
            ("/api/v1/incidents/?device_type=uxo,at_mine", ["IN-1", "IN-3"]),
            ("/api/v1/incidents/?end=2022-12-31", ["IN-1", "IN-3"]),
        ]:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200, response.content[:200])
                found = [f["properties"]["reference"] for f in response.json()["features"]]
                self.assertEqual(found, references)

    def test_statistics_take_the_same_filters(self):
        east = self.get("/api/v1/stats/land-released/?area=AZ-E&group_by=area").json()
        self.assertEqual([row["key"] for row in east["results"]], ["AZ-E"])
        cleared = self.get("/api/v1/stats/summary/?method=cleared").json()
        self.assertEqual(cleared["releases"]["count"], 1)
        self.assertEqual(cleared["releases"]["reduced_km2"], 0)

    def test_pages_link_to_each_other_and_stop_at_the_last(self):
        first = self.get("/api/v1/hazard-areas/?page_size=2").json()
        self.assertEqual(first["count"], 3)
        self.assertEqual(first["next"], "http://testserver/api/v1/hazard-areas/?page_size=2&page=2")
        second = self.get("/api/v1/hazard-areas/?page_size=2&page=2").json()
        self.assertIsNone(second["next"])
        self.assertEqual(len(second["features"]), 1)
        csv = self.get("/api/v1/hazard-areas/?page_size=2&format=csv")
        self.assertEqual(csv["X-Total-Count"], "3")
        self.assertEqual(
            csv["Link"],
            '<http://testserver/api/v1/hazard-areas/?page_size=2&format=csv&page=2>; rel="next"',
        )
        for path in (
            "/api/v1/hazard-areas/?page=99999999999999999999999",
            "/api/v1/organisations/?page=99999999999999999999999",
            "/api/v1/changes/?since=2020-01-01&page=99999999999999999999999",
            "/api/v1/hazard-areas/99999999999999999999999/",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).status_code, 404)
        past = self.get("/api/v1/hazard-areas/?page_size=2&page=3")
        self.assertEqual(past.status_code, 404)

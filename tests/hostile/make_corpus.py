"""Writes the hostile input corpus in this folder (run once; the files are committed)."""

import json
from pathlib import Path

H = Path(__file__).parent

def w(name, text, enc="utf-8", bom=False, crlf=False):
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(enc)
    if bom:
        data = b"\xef\xbb\xbf" + data
    (H / name).write_bytes(data)

ncr_head = "chargeDeviceID,name,latitude,longitude,deviceOwnerName,locationType,dateCreated,connector1Type,connector1RatedOutputKW,connector2Type,connector2RatedOutputKW\n"
ncr_rows = [
    'LDN-001,"Café Rouge, Strand",51.5101,-0.1220,Source London,On-street,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    'LDN-002,"Tesco, Brixton Hill",51.4520,-0.1230,POD Point,Retail car park,2017-01-05 09:00:00,Type 2 Mennekes (IEC62196),22,JEVS G105 (CHAdeMO) DC,50',
    'LDN-003,Ultra hub,51.5080,-0.0200,Ionity,Service station,0000-00-00 00:00:00,Type 2 Combo (IEC62196) DC,150,,',
    'LDN-004,Swapped,-0.1000,51.5000,Source London,On-street,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    'LDN-005,Paris,48.8500,2.3500,Source London,On-street,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    ',No id,51.5000,-0.1000,Source London,On-street,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    'LDN-001,Duplicate,51.5101,-0.1220,Source London,On-street,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    'LDN-006,Bad latitude,abc,-0.1000,Source London,On-street,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    'LDN-007,Manchester,53.4800,-2.2400,Source London,Public car park,2016-03-01 10:00:00,Type 2 Mennekes (IEC62196),7.0,,',
    'LDN-008,Shifted,51.5,-0.1,Source London,On-street,,,,,,,7.0,,',
    'LDN-009,Camden lamp post,51.5390,-0.1426,char.gy,Other,2019-06-01 08:00:00,Type 2 Mennekes (IEC62196),5.5,,',
    'LDN-010,Hackney car park,51.5450,-0.0553,Shell Recharge,Public car park,2020-02-02 12:00:00,Type 2 Mennekes (IEC62196),22,,',
]
w("ncr_cp1252_crlf_bad_rows.csv", ncr_head + "\n".join(ncr_rows) + "\n", enc="cp1252", crlf=True)
big = "x" * 50_000
ncr_big = [r for r in ncr_rows if r.startswith(("LDN-001,\"C", "LDN-002", "LDN-003", "LDN-009", "LDN-010"))]
w("ncr_huge_field.csv", ncr_head + "\n".join(ncr_big + [f'LDN-011,"{big}",51.5,-0.12,X,On-street,,,7,,']) + "\n")

oz_head = "ChargingEvent,CPID,StartDate,StartTime,EndDate,EndTime,Energy,PluginDuration\n"
good = []
devs = ["LDN-001", "LDN-002", "LDN-003", "LDN-009", "LDN-010"]
for i in range(30):
    d = devs[i % 5]
    day = 1 + i // 5
    good.append(f'"evt, {i}",{d},2021-03-{day:02d},{8 + i % 5:02d}:00:00,2021-03-{day:02d},{9 + i % 5:02d}:30:00,"{10 + i}.5",1.5')
bad = [
    '"bad, date",LDN-001,0000-00-00,00:00:00,2021-03-10,10:00:00,5.0,0',
    '"bad, order",LDN-002,2021-03-10,12:00:00,2021-03-10,11:00:00,5.0,0',
    '"bad, negative",LDN-003,2021-03-11,12:00:00,2021-03-11,13:00:00,-4.0,1',
    '"bad, absurd",LDN-009,2021-03-12,12:00:00,2021-03-12,13:00:00,"9,999.0",1',
    good[0].replace('"evt, 0"', '"dup, 0"'),
    '"bad, unknown",LDN-999,2021-03-12,12:00:00,2021-03-12,13:00:00,5.0,1',
]
w("sessions_ozev_bom_crlf_bad_rows.csv", oz_head + "\n".join(good + bad) + "\n", bom=True, crlf=True)
w("sessions_mostly_bad.csv", oz_head + "\n".join(good[:4] + bad) + "\n")
w("sessions_scottish_cp1252.csv",
  'CP ID,Connector,Start,End,Consum(kWh),Site\n'
  'LDN-001,1,31/01/2018 14:05,31/01/2018 16:35,"12.4",Café Strand\n'
  'LDN-002,2,01/02/2018 09:00,01/02/2018 09:40,"31.0",Brixton Café\n'
  'LDN-010,1,02/02/2018 18:00,03/02/2018 07:00,"11.0",Hackney\n', enc="cp1252")
w("sessions_truncated.csv", oz_head + good[0] + "\n" + good[1] + "\n" + good[2][:25])
w("sessions_unclosed_quote.csv", oz_head + good[0] + "\n" + '"evt, 9,LDN-001,2021-03-01,08:00:00,2021-03-01,09:00:00,5,1\n' + good[1] + "\n")
w("empty.csv", "")
w("header_only.csv", oz_head)
w("error_page.csv", "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n")
(H / "spreadsheet.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 200)

def loc(i, lat, lon, evses, **kw):
    d = {"country_code": "GB", "party_id": "HOS", "id": f"LOC{i}", "publish": True, "name": f"Site {i}",
         "address": "1 High St", "city": "London", "country": "GBR",
         "coordinates": {"latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"},
         "parking_type": "ON_STREET", "operator": {"name": "Hostile Energy"}, "evses": evses,
         "time_zone": "Europe/London", "last_updated": "2024-01-01T00:00:00Z"}
    d.update(kw)
    return d

def evse(uid, *cons, status="AVAILABLE"):
    return {"uid": uid, "evse_id": f"GB*HOS*E{uid}", "status": status, "last_updated": "2024-05-01T00:00:00Z",
            "connectors": [dict(c, id=str(i + 1), format="SOCKET", last_updated="2024-01-01T00:00:00Z")
                           for i, c in enumerate(cons)]}

ac22 = {"standard": "IEC_62196_T2", "power_type": "AC_3_PHASE", "max_voltage": 230, "max_amperage": 32}
ac7 = {"standard": "IEC_62196_T2", "power_type": "AC_1_PHASE", "max_voltage": 230, "max_amperage": 32}
dc50 = {"standard": "CHADEMO", "power_type": "DC", "max_voltage": 400, "max_amperage": 125}
dc150 = {"standard": "IEC_62196_T2_COMBO", "power_type": "DC", "max_voltage": 920, "max_amperage": 200,
         "max_electric_power": 150000}
locs = [
    loc(1, 51.5101, -0.1220, [evse("E1", ac7), evse("E2", ac22)]),
    loc(2, 51.4520, -0.1230, [evse("E3", dc50, ac22)], parking_type="PARKING_LOT"),
    loc(3, 51.5080, -0.0200, [evse("E4", dc150), evse("E5", dc150, status="REMOVED")], parking_type="ALONG_MOTORWAY"),
    loc(4, 53.4800, -2.2400, [evse("E6", ac7)]),
    loc(5, 51.5390, -0.1426, [evse("E7", ac7)], publish=False),
    loc(6, 51.5450, -0.0553, []),
]
env = {"data": locs, "status_code": 1000, "status_message": "Success", "timestamp": "2024-06-01T00:00:00Z"}
w("ocpi_locations_envelope.json", json.dumps(env, indent=1))
lines = [json.dumps(x) for x in locs[:3]]
w("ocpi_locations.jsonl", "\n".join(lines[:1] + ['{"id": "LOC9", "coordinates": {'] + lines[1:]) + "\n")
w("ocpi_locations_truncated.jsonl", "\n".join(lines)[:-40])
w("ocpi_locations_truncated.json", json.dumps(env, indent=1)[:900])
wrong = [loc(1, 51.5101, -0.1220, [evse("W1", ac7)]),
         {**loc(2, 51.45, -0.12, []), "coordinates": {"latitude": "north", "longitude": "-0.12"},
          "evses": [evse("W2", {**ac7, "max_voltage": "lots"})]},
         {**loc(3, 51.45, -0.12, []), "evses": "E9"},
         42,
         {**loc(4, 51.5, -0.1, []), "evses": [{"uid": None, "connectors": [ac7]}]},
         loc(5, 51.5390, -0.1426, [evse("W3", {**ac22, "max_electric_power": "1e12"})])]
w("ocpi_locations_wrong_types.json", json.dumps(wrong, indent=1))
w("ocpi_error_status.json", json.dumps({"data": [], "status_code": 2001, "status_message": "Invalid or missing parameters"}))

def cdr(i, uid, start, end, kwh, kind="cdr"):
    if kind == "cdr":
        return {"country_code": "GB", "party_id": "HOS", "id": f"CDR{i}", "start_date_time": start,
                "end_date_time": end, "cdr_location": {"id": "LOC1", "evse_uid": uid, "evse_id": f"GB*HOS*E{uid}"},
                "total_energy": kwh, "total_time": 1.0, "currency": "GBP", "last_updated": end}
    return {"country_code": "GB", "party_id": "HOS", "id": f"SES{i}", "start_date_time": start,
            "end_date_time": end, "kwh": kwh, "location_id": "LOC1", "evse_uid": uid, "status": "COMPLETED"}

cdrs = [cdr(i, ["E1", "E2", "E3", "E4"][i % 4], f"2024-05-{1 + i:02d}T18:00:00Z", f"2024-05-{1 + i:02d}T20:30:00+00:00", 10.5 + i)
        for i in range(8)]
cdrs += [cdr(20 + i, "E2", f"2024-06-{1 + i:02d}T07:00:00+01:00", f"2024-06-{1 + i:02d}T08:00:00+01:00", 7.25, kind="session")
         for i in range(4)]
cdrs += [cdr(90, "E1", "2024-05-20T18:00:00Z", "2024-05-20T17:00:00Z", 5),
         cdr(91, "E3", "2024-05-21T18:00:00Z", "2024-05-21T19:00:00Z", -3),
         cdr(92, "NOPE", "2024-05-22T18:00:00Z", "2024-05-22T19:00:00Z", 5)]
w("ocpi_cdrs.json", json.dumps(cdrs, indent=1))
w("geojson_single_feature.json", json.dumps({"type": "Feature", "properties": {"GSS_CODE": "E09000001"},
                                              "geometry": {"type": "Point", "coordinates": [0, 51]}}))
w("boundaries_no_london.geojson", json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"LAD21CD": "S12000033", "LAD21NM": "Aberdeen City"},
     "geometry": {"type": "Polygon", "coordinates": [[[-2.2, 57.1], [-2.0, 57.1], [-2.0, 57.2], [-2.2, 57.1]]]}}]}))
w("dft_hostile.csv",
  "la_code,la_name,date,total_devices,total_devices_per_100k,rapid_devices,rapid_devices_per_100k\n"
  'E12000007,London,2023-07-01,"17,435",194.6,943,10.5\n'
  'E12000007,London,2023-10-01,"18,811",209.9,987,11.0\n'
  "E09000033,Westminster,2023-10-01,1523,745.1,38,18.6\n"
  "E09000033,Westminster,0000-00-00,1523,745.1,38,18.6\n"
  "E09000030,Tower Hamlets,2023-10-01,-5,0,0,0\n"
  "E09000030,Tower Hamlets,2023-10-01,n/a,0,0,0\n"
  "E09000001,City of London,2023-10-01,120,1097.0,19,173.7\n"
  "E09000002,Barking and Dagenham,2023-10-01,210,95.0,12,5.4\n"
  "E09000003,Barnet,2023-10-01,1200,300.0,40,10.0\n"
  "E09000004,Bexley,2023-10-01,180,72.0,15,6.0\n"
  "E09000005,Brent,2023-10-01,900,265.0,30,8.8\n"
  "E09000006,Bromley,2023-10-01,400,120.0,20,6.0\n"
  "E09000007,Camden,2023-10-01,\"1,310\",620.0,25,11.8\n"
  "E09000008,Croydon,2023-10-01,500,128.0,33,8.5\n"
  "E09000009,Ealing,2023-10-01,\"1,105\",301.0,20,5.4\n"
  "E09000010,Enfield,2023-10-01,350,105.0,22,6.6\n"
  "E09000011,Greenwich,2023-10-01,700,243.0,28,9.7\n")
w("boundaries_bng.geojson", json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"LAD23CD": "E09000001", "LAD23NM": "City of London"},
     "geometry": {"type": "Polygon", "coordinates": [[[531000, 180000], [534000, 180000], [534000, 182000],
                                                      [531000, 180000]]]}}]}))

# DfT's own CSV export of table 1b (July 2025 edition): title and note rows, quarter headers with line
# breaks and the threshold in them, thousands separators, "[x]" where an area did not exist, notes and
# blank trailing columns. Values: the London rows as in ../shared/data/dft_rapid_devices_london_2019_2025.csv;
# the UK row as published; one abolished authority to show "[x]".
quarters = ["Oct-19", "Jan-20", "Apr-20", "Jul-20", "Oct-20", "Jan-21", "Apr-21", "July-21", "Oct-21", "Jan-22",
            "Apr-22", "July-22", "Oct-22", "Jan-23", "Apr-23", "Jul-23", "Oct-23", "Jan-24", "Apr-24", "Jul-24",
            "Oct-24 ", "Jan-25", "Apr-25", "Jul-25"]
heads = [f'"{q}\n({25 if i < 16 else 50}kW and above)"' for i, q in enumerate(quarters)]
areas = {
    ("K02000001", "United Kingdom"): [2495, 2829, 3107, 3206, 3530, 3880, 4259, 4551, 4923, 5156, 5494, 5974,
                                      6395, 6887, 7647, 8461, 8908, 10118, 11590, 12474, 13683, 14448, 15446, 16677],
    ("E12000007", "London"): [323, 385, 430, 437, 465, 515, 579, 615, 692, 722, 736, 760, 820, 854, 904, 943,
                              987, 1044, 1145, 1216, 1238, 1341, 1365, 1431],
    ("E09000001", "City of London"): [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 7, 7, 7, 1, 7, 7, 7, 7, 7, 7, 7],
    ("E09000033", "Westminster"): [22, 23, 24, 24, 25, 35, 40, 40, 69, 72, 73, 73, 71, 72, 73, 75, 76, 68, 71,
                                   72, 70, 71, 73, 76],
    ("E07000150", "Corby (abolished April 2021)"): [4, 4, 4, 4, 4, 4, 4] + ["[x]"] * 17,
}
lines = ['"Table 1b: Publicly available electric vehicle rapid charging or above devices by local authority, '
         'from October 2019 [Note 1, 3]"' + "," * 32,
         "This worksheet contains 1 table. Some cells refer to notes which can be found on the notes worksheet."
         + "," * 32,
         "Local authority / region code,Local authority / region name," + ",".join(heads) + ",,,,,,,"]
for (code, name), values in areas.items():
    cells = [f'"{v:,}"' if isinstance(v, int) and v >= 1000 else str(v) for v in values]
    lines.append(f"{code},{name}," + ",".join(cells) + ",,,,,,,")
w("dft_published_table_1b.csv", "\n".join(lines) + "\n")

# ONS mid-year estimate layout (MYE2-style): the year is only in the title, "All ages" with thousands separators.
w("population_ons_mye_layout.csv",
  'Code,Name,Geography,All ages,0,1\nK04000001,ENGLAND AND WALES,Country,"59,597,542",1,2\n'
  'E09000001,City of London,London Borough,"8,583",1,1\nE09000002,Barking and Dagenham,London Borough,"218,534",1,1\n'
  "E09000003,Barnet,London Borough,n/a,1,1\n" + "".join(
      f'E09{n:06d},Borough {n},London Borough,"{200_000 + n:,}",1,1\n' for n in range(4, 34)))

active = cdr(93, "E1", "2024-05-23T18:00:00Z", None, 2.5, kind="session")
active["status"] = "ACTIVE"
del active["end_date_time"]
w("ocpi_sessions_jsonl_with_active.jsonl", "\n".join(json.dumps(x) for x in cdrs[8:12] + [active]) + "\n")

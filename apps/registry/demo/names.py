"""Thai names for the demo: villages, roads, people, firms and shops.

Village names are typical of Kalasin (โนน = mound, หนอง = pond, โคก = upland, ดอน = knoll) but are NOT the
real list of Sai Thong's หมู่บ้าน (UNCONFIRMED: ask the อบต. for it). Personal names come from Faker's
th_TH lists (installed with factory_boy); they are drawn with our own numpy generator so that a seed gives
the same people on every run.
"""

from __future__ import annotations

from faker.providers.person.th_TH import Provider as _ThaiPersons

# (moo_no, Thai, English); หมู่ 1 carries the subdistrict's name, as is usual.
VILLAGES: tuple[tuple[int, str, str], ...] = (
    (1, "บ้านทรายทอง", "Ban Sai Thong"),
    (2, "บ้านโนนสะอาด", "Ban Non Sa-at"),
    (3, "บ้านหนองแวง", "Ban Nong Waeng"),
    (4, "บ้านโคกกลาง", "Ban Khok Klang"),
    (5, "บ้านหนองบัว", "Ban Nong Bua"),
    (6, "บ้านโนนสว่าง", "Ban Non Sawang"),
    (7, "บ้านดอนแดง", "Ban Don Daeng"),
    (8, "บ้านหนองผือ", "Ban Nong Phue"),
    (9, "บ้านทรายทองพัฒนา", "Ban Sai Thong Phatthana"),
    (10, "บ้านโนนเจริญ", "Ban Non Charoen"),
    (11, "บ้านหนองแสง", "Ban Nong Saeng"),
    (12, "บ้านโคกศรี", "Ban Khok Si"),
)

FIRST_NAMES_MALE: tuple[str, ...] = tuple(_ThaiPersons.first_names_male)
FIRST_NAMES_FEMALE: tuple[str, ...] = tuple(_ThaiPersons.first_names_female)
LAST_NAMES: tuple[str, ...] = tuple(_ThaiPersons.last_names)

TITLE_MALE = "นาย"
TITLE_MARRIED_FEMALE = "นาง"
TITLE_UNMARRIED_FEMALE = "นางสาว"

# Firms that plausibly hold land in a rice-and-cassava subdistrict.
FIRM_STEMS: tuple[str, ...] = (
    "ทรายทองค้าวัสดุ",
    "ห้วยเม็กการเกษตร",
    "กาฬสินธุ์ไรซ์มิลล์",
    "อีสานพัฒนาที่ดิน",
    "เจริญทรัพย์ค้าข้าว",
    "ศรีทรายทองปิโตรเลียม",
    "ทองทวีก่อสร้าง",
    "โนนสะอาดค้าพืชผล",
    "มั่นคงวัสดุภัณฑ์",
    "พูนทรัพย์มันสำปะหลัง",
    "ลำปาวเกษตรภัณฑ์",
    "สหกรณ์ค้าส่งห้วยเม็ก",
    "ภูพานอ้อยและน้ำตาล",
    "ทุ่งกุลาโลจิสติกส์",
)
# (form, DBD type digit): 5 = บริษัทจำกัด, 3 = ห้างหุ้นส่วนจำกัด (the 4th digit of the juristic number).
FIRM_FORMS: tuple[tuple[str, str, str], ...] = (("บริษัท ", " จำกัด", "5"), ("ห้างหุ้นส่วนจำกัด ", "", "3"))

SHOP_KINDS_THAI: tuple[str, ...] = (
    "การค้า",
    "พาณิชย์",
    "วัสดุก่อสร้าง",
    "ค้าข้าว",
    "ยางยนต์",
    "มินิมาร์ท",
    "ก๋วยเตี๋ยว",
    "เสริมสวย",
    "ซ่อมรถ",
    "ปุ๋ยและเคมีภัณฑ์",
    "โชห่วย",
    "ข้าวมันไก่",
    "ส้มตำไก่ย่าง",
)
SHOP_KINDS_MIXED: tuple[str, ...] = ("Mini Mart", "Coffee", "Mobile", "Car Care", "Bakery")
SHOP_SIGNS_LATIN: tuple[str, ...] = ("COFFEE & TEA", "CAR CARE", "MOBILE SHOP", "INTERNET", "HOME MART")


def village_lane_name(village_th: str, lane_no: int) -> str:
    return f"ซอย{village_th} {lane_no}"


def farm_road_name(moo_no: int, surface: str, road_no: int) -> str:
    kind = "ถนนลูกรัง" if surface == "laterite" else "ทางดิน"
    return f"{kind}หมู่ {moo_no} สาย {road_no}"

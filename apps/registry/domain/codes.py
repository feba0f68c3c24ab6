"""LTAX code lists: the vocabulary of the tax map (shared/domain/tax-map-and-registry.md §2.5, §7).

Plain tuples of (code, Thai label, English label) so that models, imports and exports share one list.
The DLA's own code book was not found; these are what LTAX Online expects on input (UNCONFIRMED, §2.5).
"""

LAND_DOCUMENT_TYPES: tuple[tuple[int, str, str], ...] = (
    (1, "โฉนดที่ดิน", "Title deed (chanote)"),
    (2, "น.ส.3ก", "Certificate of use N.S.3 Kor"),
    (3, "น.ส.3", "Certificate of use N.S.3"),
    (4, "น.ส.2", "Reservation N.S.2"),
    (5, "ส.ค.1", "Possession notice S.K.1"),
    (6, "ส.ป.ก.4-01", "Land reform plot S.P.K.4-01"),
    (7, "ท.ค.", "T.K."),
    (8, "ส.ธ.1", "S.T.1"),
    (9, "โฉนดตราจอง", "Trajong deed"),
    (10, "น.ส.ล.", "Public land certificate"),
    (11, "ก.ส.น.5", "K.S.N.5"),
    (12, "ที่ราชพัสดุ", "State property"),
    (13, "อื่น ๆ", "Other / none"),
)

# Land use per parcel part (§2.5 "Land use"). Codes 6, 8, 9 are vacant for 1, 3+ and 6+ years.
LAND_USES: tuple[tuple[int, str, str], ...] = (
    (1, "เกษตรกรรม", "Agriculture"),
    (2, "ที่อยู่อาศัย (บ้านหลังหลัก เจ้าของที่ดินและสิ่งปลูกสร้าง)", "Residence: main house, owns land and house"),
    (3, "ที่อยู่อาศัย (บ้านหลังหลัก เป็นเจ้าของเฉพาะสิ่งปลูกสร้าง)", "Residence: main house, owns the house only"),
    (4, "ที่อยู่อาศัยอื่น", "Other residence"),
    (5, "อื่น ๆ (พาณิชย์ อุตสาหกรรม)", "Other use (commerce, industry)"),
    (6, "ทิ้งไว้ว่างเปล่า", "Vacant"),
    (7, "ใช้ประโยชน์หลายประเภท", "Mixed use"),
    (8, "ว่างเปล่า 3 ปีขึ้นไป", "Vacant 3 years or more"),
    (9, "ว่างเปล่า 6 ปีขึ้นไป", "Vacant 6 years or more"),
)

LAND_USERS: tuple[tuple[int, str, str], ...] = (
    (1, "ใช้เอง", "Used by the owner"),
    (2, "ให้เช่า", "Let"),
    (3, "ให้ผู้อื่นใช้", "Others allowed to use"),
)

CROPS: tuple[tuple[int, str, str], ...] = (
    (1, "ข้าว", "Rice"), (2, "ข้าวโพด", "Maize"), (3, "อ้อย", "Sugarcane"), (4, "มันสำปะหลัง", "Cassava"),
    (5, "พืชไร่อื่น", "Other field crops"), (6, "ยางพารา", "Rubber"), (7, "ปาล์มน้ำมัน", "Oil palm"),
    (8, "ไม้ยืนต้นอื่น", "Other perennials"), (9, "ไก่", "Chickens"), (10, "สุกร", "Pigs"), (11, "โค", "Cattle"),
    (12, "ปลา", "Fish"), (13, "ปศุสัตว์อื่น", "Other livestock"),
)

# Construction class drives depreciation (§7.1). Keys match the tax-quote contract's `construction`.
CONSTRUCTIONS: tuple[tuple[str, str, str], ...] = (
    ("masonry", "ตึก", "Masonry"),
    ("half", "ครึ่งตึกครึ่งไม้", "Half masonry, half wood"),
    ("wood", "ไม้", "Wood"),
)

BUILDING_USES: tuple[tuple[int, str, str], ...] = (
    (1, "อยู่อาศัย", "Residence"),
    (2, "อยู่อาศัยและประกอบการ", "Residence and business"),
    (3, "ประกอบการ", "Business"),
    (4, "ว่าง", "Vacant"),
    (5, "อื่น ๆ", "Other"),
)

# Treasury / LTAX building types (§7.2). The first digit family: 1 detached, 2 townhouse, 3 row room,
# 4 shophouse, 5 others, 6 other structures.
BUILDING_TYPES: tuple[tuple[str, str, str], ...] = (
    ("101", "บ้านพักอาศัยไม้ชั้นเดียว", "Wooden one-storey house"),
    ("102", "บ้านพักอาศัยไม้สองชั้น", "Wooden two-storey house"),
    ("103", "ตึกชั้นเดียว", "One-storey masonry house"),
    ("104", "ตึกสองชั้น", "Two-storey masonry house"),
    ("105", "ครึ่งตึกครึ่งไม้ชั้นเดียว", "One-storey half-masonry house"),
    ("106", "ครึ่งตึกครึ่งไม้สองชั้น", "Two-storey half-masonry house"),
    ("107", "ตึกสามชั้น", "Three-storey masonry house"),
    ("108", "บ้านแฝดชั้นเดียว", "One-storey semi-detached house"),
    ("109", "บ้านแฝดสองชั้น", "Two-storey semi-detached house"),
    ("110", "บ้านทรงไทยชั้นเดียว", "One-storey Thai-style house"),
    ("111", "บ้านทรงไทยสองชั้น", "Two-storey Thai-style house"),
    ("112", "บ้านแฝดสามชั้น", "Three-storey semi-detached house"),
    ("201", "ทาวน์เฮาส์ชั้นเดียว", "One-storey townhouse"),
    ("202", "ทาวน์เฮาส์สองชั้น", "Two-storey townhouse"),
    ("203", "ทาวน์เฮาส์สามชั้น", "Three-storey townhouse"),
    ("204", "ทาวน์เฮาส์สี่ชั้น", "Four-storey townhouse"),
    ("301", "ห้องแถวไม้ชั้นเดียว", "One-storey wooden row room"),
    ("302", "ห้องแถวไม้สองชั้น", "Two-storey wooden row room"),
    ("303", "ห้องแถวครึ่งตึกครึ่งไม้", "Half-masonry row room"),
    ("401", "ตึกแถวชั้นเดียว", "One-storey shophouse"),
    ("402", "ตึกแถวสองชั้น", "Two-storey shophouse"),
    ("403", "ตึกแถวสามชั้น", "Three-storey shophouse"),
    ("404", "ตึกแถวสี่ชั้น", "Four-storey shophouse"),
    ("405", "ตึกแถวห้าชั้น", "Five-storey shophouse"),
    ("406", "ตึกแถวหกชั้น", "Six-storey shophouse"),
    ("501", "คลังสินค้าไม่เกิน 300 ตร.ม.", "Warehouse up to 300 m²"),
    ("502", "คลังสินค้าเกิน 300 ตร.ม.", "Warehouse over 300 m²"),
    ("503", "เรือนคนใช้ / ครัว", "Servants' quarters / kitchen"),
    ("504", "โรงจอดรถ", "Carport / garage"),
    ("505", "สถานศึกษา", "School"),
    ("507", "โรงมหรสพ", "Cinema / theatre"),
    ("508", "สถานพยาบาล", "Hospital / clinic"),
    ("510", "ภัตตาคาร", "Restaurant"),
    ("512", "สถานีบริการน้ำมัน", "Petrol station"),
    ("513", "โรงงาน", "Factory"),
    ("514", "ตลาดไม่เกิน 1,000 ตร.ม.", "Market up to 1,000 m²"),
    ("515", "ตลาดเกิน 1,000 ตร.ม.", "Market over 1,000 m²"),
    ("516", "สำนักงานในบ้าน", "Home office"),
    ("517", "โรงเลี้ยงสัตว์", "Animal shed"),
    ("518", "อู่ซ่อมรถ", "Car repair shop"),
    ("521", "ป้อมยาม", "Guard house"),
    ("523", "ห้องน้ำสาธารณะ", "Public toilet"),
    ("601", "สิ่งปลูกสร้างอื่น", "Other structure"),
)

# Signboard types as LTAX codes (§8.5): (code, Thai label, English label).
SIGN_TYPES: tuple[tuple[int, str, str], ...] = (
    (5, "ประเภท 1(ก) อักษรไทยล้วน เคลื่อนที่/เปลี่ยนได้", "Type 1(a) Thai only, changeable"),
    (1, "ประเภท 1(ข) อักษรไทยล้วน", "Type 1(b) Thai only, fixed"),
    (6, "ประเภท 2(ก) ไทยปนต่างประเทศ เคลื่อนที่/เปลี่ยนได้", "Type 2(a) mixed, changeable"),
    (2, "ประเภท 2(ข) ไทยปนต่างประเทศ", "Type 2(b) mixed, fixed"),
    (7, "ประเภท 3(ก) ไม่มีอักษรไทย เคลื่อนที่/เปลี่ยนได้", "Type 3(a) no Thai, changeable"),
    (3, "ประเภท 3(ข) ไม่มีอักษรไทย", "Type 3(b) no Thai, fixed"),
)

"""The package parts of report.xlsx around its worksheets: content types, relationships, the
workbook, document properties, the theme, and each chart with the drawing that places it.

These are the parts Excel itself writes; the theme and the extended properties are what an
Office Open XML validator expects beside the workbook (without a theme Excel repairs it).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa

from pipeline.report.xlsx_xml import MAIN_NS, REL_NS, XML_DECLARATION, escaped

PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = f"{REL_NS}/officeDocument"
CORE_PROPS = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
EXTENDED_PROPS = f"{REL_NS}/extended-properties"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
SHEET_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET_TYPE = f"{SPREADSHEETML}.worksheet+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
APPLICATION = "cm-reconcile"
EMU_PER_PIXEL = 9_525  # English Metric Units, at 96 pixels to the inch
# The Office theme's colours: the charts' series take accent1, accent2, ... in turn.
THEME_COLORS = (
    ("dk2", "1F497D"),
    ("lt2", "EEECE1"),
    ("accent1", "4F81BD"),
    ("accent2", "C0504D"),
    ("accent3", "9BBB59"),
    ("accent4", "8064A2"),
    ("accent5", "4BACC6"),
    ("accent6", "F79646"),
    ("hlink", "0000FF"),
    ("folHlink", "800080"),
)


def escaped_text(text: str) -> str:
    """Text for an element, escaped as the cells' text is."""
    return str(escaped(pa.array([text], pa.string())).to_pylist()[0])


def workbook_xml(names: Sequence[str], defined: Sequence[tuple[str, int, str, bool]]) -> str:
    """xl/workbook.xml: the sheets in order and their defined names (filters, print titles)."""
    sheets = "".join(
        f'<sheet name={quoteattr(n)} sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, n in enumerate(names)
    )
    hide = {True: ' hidden="1"', False: ""}
    names_xml = "".join(
        f'<definedName name="{name}" localSheetId="{sheet}"{hide[hidden]}>'
        f"{escaped_text(ref)}</definedName>"
        for name, sheet, ref, hidden in sorted(defined, key=lambda d: defined_order(d, names))
    )
    return (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" '
        f'windowHeight="9660"/></bookViews><sheets>{sheets}</sheets>'
        + (f"<definedNames>{names_xml}</definedNames>" if names_xml else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def defined_order(definition: tuple[str, int, str, bool], names: Sequence[str]) -> tuple[str, str]:
    """Excel's order of defined names (as XlsxWriter kept it): by name without the _xlnm.
    prefix, then by sheet, both ignoring case."""
    return definition[0].removeprefix("_xlnm.").lower(), names[definition[1]].lower()


def relationships_xml(rels: Sequence[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="{i}" Type="{t}" Target={quoteattr(g)}/>' for i, t, g in rels
    )
    return f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">{items}</Relationships>'


def workbook_rels_xml(sheets: int) -> str:
    """The workbook's parts: its worksheets (rId1...), then theme, styles and shared strings."""
    rels = [
        (f"rId{i + 1}", f"{REL_NS}/worksheet", f"worksheets/sheet{i + 1}.xml")
        for i in range(sheets)
    ]
    rels += [
        (f"rId{sheets + 1}", f"{REL_NS}/theme", "theme/theme1.xml"),
        (f"rId{sheets + 2}", f"{REL_NS}/styles", "styles.xml"),
        (f"rId{sheets + 3}", f"{REL_NS}/sharedStrings", "sharedStrings.xml"),
    ]
    return relationships_xml(rels)


def root_rels_xml() -> str:
    return relationships_xml(
        [
            ("rId1", OFFICE_DOC, "xl/workbook.xml"),
            ("rId2", CORE_PROPS, "docProps/core.xml"),
            ("rId3", EXTENDED_PROPS, "docProps/app.xml"),
        ]
    )


def sheet_rels_xml(drawing: int) -> str:
    """A worksheet's one relationship: the drawing that holds its charts."""
    return relationships_xml([("rId1", f"{REL_NS}/drawing", f"../drawings/drawing{drawing}.xml")])


def drawing_rels_xml(charts: Sequence[int]) -> str:
    return relationships_xml(
        [
            (f"rId{i + 1}", f"{REL_NS}/chart", f"../charts/chart{c}.xml")
            for i, c in enumerate(charts)
        ]
    )


def content_types_xml(sheets: int, drawings: int, charts: int) -> str:
    """[Content_Types].xml: what each part of the package is."""
    overrides = [
        ("/xl/workbook.xml", f"{SPREADSHEETML}.sheet.main+xml"),
        ("/xl/styles.xml", f"{SPREADSHEETML}.styles+xml"),
        ("/xl/sharedStrings.xml", f"{SPREADSHEETML}.sharedStrings+xml"),
        ("/xl/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
        *((f"/xl/worksheets/sheet{i + 1}.xml", SHEET_TYPE) for i in range(sheets)),
        *((f"/xl/drawings/drawing{i + 1}.xml", DRAWING_TYPE) for i in range(drawings)),
        *((f"/xl/charts/chart{i + 1}.xml", CHART_TYPE) for i in range(charts)),
    ]
    items = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{items}</Types>'
    )


def core_xml(created: datetime) -> str:
    """docProps/core.xml: the fixed creation date that keeps a report's bytes reproducible."""
    # strftime's %Y drops the leading zeros of a year before 1000, which W3CDTF requires.
    stamp = f"{created.year:04d}-{created:%m-%dT%H:%M:%S}Z"
    return (
        f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
        'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml(names: Sequence[str], print_titles: Sequence[str]) -> str:
    """docProps/app.xml: the application, and the sheets and named ranges as Excel lists them
    (HeadingPairs counts each kind, TitlesOfParts names them in the same order)."""
    titles = [*names, *print_titles]
    pairs = [("Worksheets", len(names)), ("Named Ranges", len(print_titles))]
    pairs = [(kind, n) for kind, n in pairs if n]
    heading = "".join(
        f"<vt:variant><vt:lpstr>{kind}</vt:lpstr></vt:variant>"
        f"<vt:variant><vt:i4>{n}</vt:i4></vt:variant>"
        for kind, n in pairs
    )
    parts = "".join(f"<vt:lpstr>{escaped_text(t)}</vt:lpstr>" for t in titles)
    return (
        f'{XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/extended-properties" xmlns:vt="{VT_NS}"><Application>{APPLICATION}</Application>'
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        f'<HeadingPairs><vt:vector size="{2 * len(pairs)}" baseType="variant">{heading}'
        f'</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="{len(titles)}" '
        f'baseType="lpstr">{parts}</vt:vector></TitlesOfParts>'
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    )


def theme_xml() -> str:
    """xl/theme/theme1.xml: Office's colours and fonts (Calibri for text), plain fills."""
    colors = (
        '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
        '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
        + "".join(f'<a:{n}><a:srgbClr val="{v}"/></a:{n}>' for n, v in THEME_COLORS)
    )
    fonts = "".join(
        f'<a:{kind}Font><a:latin typeface="{face}"/><a:ea typeface=""/><a:cs typeface=""/>'
        f"</a:{kind}Font>"
        for kind, face in (("major", "Cambria"), ("minor", "Calibri"))
    )
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    lines = "".join(
        f'<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr">{fill}<a:prstDash val="solid"/></a:ln>'
        for w in (9525, 25400, 38100)
    )
    effects = "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    return (
        f'{XML_DECLARATION}<a:theme xmlns:a="{DRAWING_NS}" name="Office Theme">'
        f'<a:themeElements><a:clrScheme name="Office">{colors}</a:clrScheme>'
        f'<a:fontScheme name="Office">{fonts}</a:fontScheme><a:fmtScheme name="Office">'
        f"<a:fillStyleLst>{fill * 3}</a:fillStyleLst><a:lnStyleLst>{lines}</a:lnStyleLst>"
        f"<a:effectStyleLst>{effects}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>"
        "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


@dataclass(frozen=True)
class Series:
    """One series of a chart: its name's cell and its values' cells, with their values now."""

    name_ref: str
    name: str
    values_ref: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartPart:
    """A chart as its part needs it: cell ranges resolved, the values cached beside them (so a
    reader that does not recalculate still draws it)."""

    title: str
    horizontal: bool
    stacked: bool
    categories_ref: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number_format: str


def string_cache(values: Sequence[str]) -> str:
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{escaped_text(v)}</c:v></c:pt>' for i, v in enumerate(values)
    )
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache>'


def number_cache(values: Sequence[float | None], number_format: str) -> str:
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{v!r}</c:v></c:pt>' for i, v in enumerate(values) if v is not None
    )
    return (
        f"<c:numCache><c:formatCode>{escape(number_format)}</c:formatCode>"
        f'<c:ptCount val="{len(values)}"/>{points}</c:numCache>'
    )


def rich_text(text: str, size: int) -> str:
    return (
        f'<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" b="1"/>'
        f'</a:pPr><a:r><a:rPr lang="en-US" sz="{size}" b="1"/><a:t>{escaped_text(text)}</a:t>'
        "</a:r></a:p></c:rich></c:tx>"
    )


def chart_xml(chart: ChartPart) -> str:
    """xl/charts/chartN.xml: a bar chart (bars across or columns up, clustered or stacked),
    categories in the table's order from the top, the value axis in the column's format."""
    cat_ax, val_ax = 50010, 50020
    series = "".join(
        f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/><c:tx><c:strRef>'
        f"<c:f>{escape(s.name_ref)}</c:f>{string_cache([s.name])}</c:strRef></c:tx>"
        '<c:invertIfNegative val="0"/>'
        f"<c:cat><c:strRef><c:f>{escape(chart.categories_ref)}</c:f>"
        f"{string_cache(chart.categories)}</c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{escape(s.values_ref)}</c:f>"
        f"{number_cache(s.values, chart.number_format)}</c:numRef></c:val></c:ser>"
        for i, s in enumerate(chart.series)
    )
    grouping = "stacked" if chart.stacked else "clustered"
    overlap = '<c:overlap val="100"/>' if chart.stacked else ""
    # Bars across list the first category at the top: the category axis runs from the maximum,
    # and the value axis crosses it at its maximum category, which is then at the bottom.
    across = chart.horizontal
    orientation = "maxMin" if across else "minMax"
    positions = ("l", "b") if across else ("b", "l")
    axis_common = '<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
    return (
        f'{XML_DECLARATION}<c:chartSpace xmlns:c="{CHART_NS}" xmlns:a="{DRAWING_NS}" '
        f'xmlns:r="{REL_NS}"><c:roundedCorners val="0"/><c:chart>'
        f'<c:title>{rich_text(chart.title, 1200)}<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart>'
        f'<c:barDir val="{"bar" if across else "col"}"/><c:grouping val="{grouping}"/>'
        f'<c:varyColors val="0"/>{series}<c:gapWidth val="60"/>{overlap}'
        f'<c:axId val="{cat_ax}"/><c:axId val="{val_ax}"/></c:barChart>'
        f'<c:catAx><c:axId val="{cat_ax}"/><c:scaling><c:orientation val="{orientation}"/>'
        f'</c:scaling><c:delete val="0"/><c:axPos val="{positions[0]}"/>{axis_common}'
        f'<c:tickLblPos val="nextTo"/><c:crossAx val="{val_ax}"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{val_ax}"/><c:scaling><c:orientation val="minMax"/>'
        f'</c:scaling><c:delete val="0"/><c:axPos val="{positions[1]}"/><c:majorGridlines/>'
        f'<c:numFmt formatCode={quoteattr(chart.number_format)} sourceLinked="0"/>'
        f'{axis_common}<c:tickLblPos val="nextTo"/><c:crossAx val="{cat_ax}"/>'
        f'<c:crosses val="{"max" if across else "autoZero"}"/><c:crossBetween val="between"/>'
        "</c:valAx></c:plotArea>"
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


@dataclass(frozen=True)
class Anchor:
    """Where a chart sits: its top-left cell (from 0) and its bottom-right cell with the
    offset into it, in pixels."""

    column: int
    row: int
    to_column: int
    to_column_offset: int
    to_row: int
    to_row_offset: int


def drawing_xml(anchors: Sequence[Anchor]) -> str:
    """xl/drawings/drawingN.xml: each chart (rId1, rId2, ...) in its anchor, moved with its
    top-left cell but not resized with the cells."""

    def marker(tag: str, column: int, column_off: int, row: int, row_off: int) -> str:
        return (
            f"<xdr:{tag}><xdr:col>{column}</xdr:col><xdr:colOff>{column_off * EMU_PER_PIXEL}"
            f"</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>{row_off * EMU_PER_PIXEL}"
            f"</xdr:rowOff></xdr:{tag}>"
        )

    frames = "".join(
        '<xdr:twoCellAnchor editAs="oneCell">'
        + marker("from", a.column, 0, a.row, 0)
        + marker("to", a.to_column, a.to_column_offset, a.to_row, a.to_row_offset)
        + f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 2}" '
        f'name="Chart {i + 1}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
        f'<a:graphicData uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" r:id="rId{i + 1}"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        for i, a in enumerate(anchors)
    )
    return (
        f'{XML_DECLARATION}<xdr:wsDr xmlns:xdr="{SHEET_DRAWING_NS}" xmlns:a="{DRAWING_NS}" '
        f'xmlns:r="{REL_NS}">{frames}</xdr:wsDr>'
    )

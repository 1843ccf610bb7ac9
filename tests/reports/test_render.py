"""``ir.actions.report`` rendered as the caller: templates from the addons, PDF by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from PIL import Image

from tenantry.exceptions import AccessError, MissingError, UserError, ValidationError
from tenantry.orm.environment import Environment
from tenantry.reports import find_template, printable_reports
from tenantry.reports.render import Formatter
from tests.security.helpers import as_user, make_user

REPORTS = "ir.actions.report"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_templates_are_found_in_the_addons_by_report_name(env: Environment) -> None:
    assert find_template(env, "sale.report_saleorder") == "sale_demo/report_saleorder.html"
    assert find_template(env, "web.preview_internalreport") == "base/preview_internalreport.html"
    for hostile in ("sale.../base/external_layout", "sale.x/y", "sale.", "web.report name"):
        assert find_template(env, hostile) is None


def test_the_company_preview_is_a_pdf_of_the_company(env: Environment) -> None:
    env.company.write({"name": "Acme Printing", "email": "hello@acme.test"})
    content, kind = env[REPORTS]._render("web.preview_internalreport", env.company.ids)
    assert kind == "pdf" and content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "Acme Printing" in text and "hello@acme.test" in text


def test_the_quotation_html_escapes_what_it_prints(env: Environment) -> None:
    order = env.ref("sale_demo.sale_order_1")
    order.partner_id.name = "<script>alert(1)</script>"
    html, kind = env[REPORTS]._render_qweb_html("sale_demo.action_report_saleorder", order.ids)
    assert kind == "html"
    text = html.decode()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Office Desk" in text and "1,380.00" in text and "Quotation S00001" in text


def test_a_salesman_cannot_print_another_salesmans_order(env: Environment) -> None:
    sally = make_user(env, "sally", ["sale_demo.group_sale_salesman"])
    theirs = env.ref("sale_demo.sale_order_2")  # Marc Demo's
    mine = env.ref("sale_demo.sale_order_1")
    mine.user_id = sally
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, "PNG")
    env.company.logo = buffer.getvalue()
    reports = as_user(env, sally)[REPORTS]
    html = reports._render_qweb_html("sale.report_saleorder", mine.ids)[0]
    assert b"Office Desk" in html and b'<img src="data:image/png;base64,' in html  # the company's logo
    for ids in (theirs.ids, [mine.id, theirs.id]):
        with pytest.raises(AccessError):
            reports._render_qweb_html("sale.report_saleorder", ids)


def test_bad_ids_unknown_reports_and_missing_records_are_refused(env: Environment) -> None:
    reports = env[REPORTS]
    with pytest.raises(UserError, match="not found"):
        reports._render_qweb_html("sale.no_such_report", [1])
    for ids in ([], [0], ["1"], [True], None):
        with pytest.raises(ValidationError):
            reports._render_qweb_html("sale.report_saleorder", ids)
    with pytest.raises(MissingError):
        reports._render_qweb_html("sale.report_saleorder", [10**6])


def test_a_reports_groups_keep_other_users_out(env: Environment) -> None:
    report = env.ref("base.action_report_internalpreview")
    report.groups_id = [(6, 0, [env.ref("base.group_system").id])]
    clerk = make_user(env, "clerk")
    with pytest.raises(AccessError):
        as_user(env, clerk)[REPORTS]._render_qweb_html(report.id, env.company.ids)


def test_dates_are_shown_in_the_users_timezone_and_numbers_in_its_language(env: Environment) -> None:
    env.ref("base.user_admin").tz = "Europe/Brussels"
    fmt = Formatter(env(user=env.ref("base.user_admin").id, context={"lang": "en_US"}))
    late = dt.datetime(2026, 1, 1, 23, 30)  # UTC: already January 2nd in Brussels
    assert fmt.date(late) == "01/02/2026" and fmt.datetime(late) == "01/02/2026 00:30:00"
    assert fmt.amount(1234567.891) == "1,234,567.89" and fmt.amount(5, "€") == "5.00\N{NO-BREAK SPACE}€"
    assert fmt.date(False) == "" and fmt.number(2, digits=0) == "2"


def test_the_printed_name_follows_print_report_name(env: Environment) -> None:
    order = env.ref("sale_demo.sale_order_1")
    report = env.ref("sale_demo.action_report_saleorder")
    assert report._print_name(order.ids) == "Quotation - S00001"
    order.action_confirm()
    assert report._print_name(order.ids) == "Order - S00001"
    assert report._print_name([order.id, env.ref("sale_demo.sale_order_2").id]) == "Quotation / Order"


def test_the_print_menu_lists_the_reports_bound_to_the_model_the_user_may_print(env: Environment) -> None:
    salesman = as_user(env, make_user(env, "sally", ["sale_demo.group_sale_salesman"]))
    [quotation] = printable_reports(salesman, "sale.order")
    assert (quotation.name, quotation.url([3, 4])) == (
        "Quotation / Order",
        "/report/pdf/sale.report_saleorder/3,4",
    )
    env.ref("sale_demo.action_report_saleorder").groups_id = [(6, 0, [env.ref("base.group_system").id])]
    assert printable_reports(salesman, "sale.order") == []
    assert printable_reports(salesman, "res.partner") == []


def test_the_print_menu_macro_links_each_report_for_the_records(env: Environment) -> None:
    from tenantry.web.templates import templates

    macro = templates().env.get_template("_print_menu.html").module.print_menu  # type: ignore[attr-defined]
    reports = printable_reports(env, "sale.order", form=True)
    html = str(macro(reports, [7]))
    assert '<a href="/report/pdf/sale.report_saleorder/7"' in html and "Quotation / Order" in html
    assert str(macro(reports, [])).strip() == ""
    env.ref("sale_demo.action_report_saleorder").multi = True
    assert printable_reports(env, "sale.order", form=True) == []

"""Collection pages for tax officers and administrators: thin views over services (writes) and selectors.

The counter: find a bill, take money, print the receipt, grant an extension, use or refund a taxpayer's
credit. The back office: bank files, warning letters, arrears, the collection dashboard (CSV and Excel) and
the daily e-LAAS file. Residents: their own bills with the Thai QR and the bill PDF (``my_bills``).
The payment-status map is apps/maps, fed by selectors.payment_status_by_parcel.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.billing import conf, exports, forms, selectors, services
from apps.billing.errors import BillingError
from apps.billing.models import (
    BankStatementImport,
    Bill,
    BillExtension,
    Objection,
    Payment,
    Receipt,
    WarningLetter,
)
from apps.billing.pdfs import bill_pdf, receipt_pdf, warning_letters_pdf
from apps.billing.qr import bill_qr_payload, qr_data_uri
from apps.core.domain.thai_dates import to_be_year
from apps.organisations.models import Role
from apps.registry.models import Owner

FINANCE_ROLES = {Role.TAX_OFFICER, Role.ADMIN}
# Undoing money (reversal, cancelled bill) needs a second person: the administrator, not the cashier.
CORRECTION_ROLES = {Role.ADMIN}
# Paying credit back is money leaving the treasury: the administrator records it, as for a reversal.
REFUND_ROLES = CORRECTION_ROLES
RESIDENT_ROLES = {Role.RESIDENT}


def _require(request: HttpRequest, roles=FINANCE_ROLES) -> None:
    membership = request.membership
    if not membership or membership.role not in roles:
        raise PermissionDenied


def _bill(request: HttpRequest, pk: int) -> Bill:
    try:
        return selectors.bill_get(org=request.organisation, pk=pk)
    except Bill.DoesNotExist:
        raise Http404 from None


def _default_year(request: HttpRequest) -> int:
    latest = (
        Bill.objects.filter(organisation=request.organisation)
        .order_by("-tax_year")
        .values_list("tax_year", flat=True)
    ).first()
    return latest or to_be_year(selectors.today().year)


def _baht_text(amount_satang: int) -> str:
    # As typed into a baht field: no thousands separator, 2 decimals.
    return f"{amount_satang // 100}.{amount_satang % 100:02d}"


def _extension(bill: Bill) -> BillExtension | None:
    try:
        return bill.extension
    except BillExtension.DoesNotExist:
        return None


def _file(content: bytes | str, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    # Receipts and lists carry personal data: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


# --- the counter ----------------------------------------------------------------------------------------


@login_required
@require_GET
def counter(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.SearchForm(request.GET or None)
    results = []
    if form.is_valid() and form.cleaned_data["q"]:
        bills = list(selectors.bill_search(org=request.organisation, query=form.cleaned_data["q"]))
        if len(bills) == 1:
            return redirect("billing:bill", pk=bills[0].pk)
        results = [selectors.bill_state(bill=bill) for bill in bills]
    context = {
        "form": form,
        "results": results,
        "waiting_lines": selectors.bank_lines_waiting(org=request.organisation).count(),
        "objections": selectors.objections_needing_decision(org=request.organisation),
    }
    return render(request, "billing/counter.html", context)


@login_required
@require_GET
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    bill = _bill(request, pk)
    state = selectors.bill_state(bill=bill)
    today = selectors.today()
    credit_satang = selectors.owner_credit_satang(org=request.organisation, owner_id=bill.owner_id)
    pay_form = forms.PaymentForm(
        initial={
            "amount_baht": _baht_text(state.owed.total_satang),
            "idempotency_key": forms.PaymentForm.new_key(),
            "expected_owed_satang": state.owed.total_satang,
        }
    )
    context = {
        "bill": bill,
        "state": state,
        "pay_form": pay_form,
        "installment_form": forms.InstallmentForm(initial={"requested_on": today}),
        "objection_form": forms.ObjectionForm(initial={"filed_on": today}),
        "decision_form": forms.DecisionForm(initial={"decided_on": today}),
        "reason_form": forms.ReasonForm(),
        "received_form": forms.ReceivedForm(initial={"received_on": today}),
        "plan": getattr(bill, "installment_plan", None),
        "objections": Objection.objects.filter(
            organisation=request.organisation, bill__reference=bill.reference
        )
        .select_related("decision")
        .order_by("filed_on"),
        "arrears": selectors.owner_arrears(
            org=request.organisation, owner_id=bill.owner_id, before_year=bill.tax_year
        ),
        "owner_credit_satang": credit_satang,
        "credit_form": forms.CreditApplyForm(
            initial={
                "amount_baht": _baht_text(min(credit_satang, state.owed.total_satang)),
                "idempotency_key": forms.new_form_key("credit"),
            }
        )
        if credit_satang > 0 and state.is_payable and state.owed.total_satang > 0
        else None,
        "extension": _extension(bill),
        "can_correct": request.membership.role in CORRECTION_ROLES,
        "versions": Bill.objects.filter(organisation=request.organisation, reference=bill.reference).order_by(
            "version"
        ),
    }
    return render(request, "billing/bill.html", context)


def _after(request: HttpRequest, bill_pk: int, action) -> HttpResponse:
    """Run a service; show its refusal as a message on the bill page, which holds every small form."""
    try:
        result = action()
    except BillingError as exc:
        messages.error(request, exc.message)
    else:
        if result:
            messages.success(request, result)
    return redirect("billing:bill", pk=bill_pk)


@login_required
@require_POST
def bill_pay(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    bill = _bill(request, pk)
    form = forms.PaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("billing:bill", pk=bill.pk)
    data = form.cleaned_data
    try:
        result = services.payment_record(
            org=request.organisation,
            bill_id=bill.pk,
            amount_satang=forms.to_satang(data["amount_baht"]),
            method=data["method"],
            by=request.user,
            idempotency_key=data["idempotency_key"],
            method_reference=data["method_reference"],
            expected_owed_satang=data["expected_owed_satang"],
        )
    except BillingError as exc:
        messages.error(request, exc.message)
        return redirect("billing:bill", pk=bill.pk)
    receipt = result.receipt
    if not result.created:
        messages.info(request, _("This payment was already recorded (receipt %(no)s).") % {"no": receipt})
    else:
        messages.success(request, _("Payment recorded. Receipt %(no)s.") % {"no": receipt})
    if result.payment.credit_satang:
        messages.info(
            request,
            _("%(amount)s baht more than owed is kept as the taxpayer's credit.")
            % {"amount": exports.money(result.payment.credit_satang)},
        )
    return redirect(f"{reverse('billing:bill', args=[result.payment.bill_id])}?receipt={receipt.pk}")


@login_required
@require_POST
def bill_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay (part of) the bill out of the taxpayer's credit."""
    _require(request)
    bill = _bill(request, pk)
    form = forms.CreditApplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("billing:bill", pk=bill.pk)
    data = form.cleaned_data

    def apply():
        payment = services.credit_apply(
            org=request.organisation,
            bill_id=bill.pk,
            amount_satang=forms.to_satang(data["amount_baht"]),
            by=request.user,
            reason=data["reason"],
            idempotency_key=data["idempotency_key"],
        )
        return _("%(amount)s baht of the taxpayer's credit paid onto this bill.") % {
            "amount": exports.money(payment.amount_satang)
        }

    return _after(request, bill.pk, apply)


@login_required
def bill_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant an extension (s.14) and show what it changes: no penalty, 0.5% a month instead of 1% (s.70)."""
    _require(request)
    bill = _bill(request, pk)
    extension = _extension(bill)
    form = forms.ExtensionForm(request.POST or None)
    status = 200
    until = None
    if request.method == "POST":
        if form.is_valid():
            until = form.cleaned_data["until"]
            try:
                services.bill_extension_grant(
                    org=request.organisation,
                    bill_id=bill.pk,
                    until=until,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except BillingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Extension until %(day)s recorded.") % {"day": until.isoformat()},
                )
                return redirect("billing:bill", pk=bill.pk)
        status = 400
    else:
        # "Show the effect" sends only the day (GET): nothing is recorded until the form below is posted.
        try:
            until = dt.date.fromisoformat(request.GET.get("until", ""))
        except ValueError:
            until = None
        form = forms.ExtensionForm(initial={"until": until})
    if extension is not None:
        until = extension.until
    effect = None
    if until is not None and until > bill.due_date:
        effect = selectors.extension_effect(bill=bill, until=until)
    context = {
        "bill": bill,
        "state": selectors.bill_state(bill=bill),
        "extension": extension,
        "form": form,
        "effect": effect,
        "until": until,
        "rates": conf.late_payment_rules(),
    }
    return render(request, "billing/extension.html", context, status=status)


@login_required
@require_POST
def bill_installments(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    bill = _bill(request, pk)
    form = forms.InstallmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the request was received."))
        return redirect("billing:bill", pk=bill.pk)
    return _after(
        request,
        bill.pk,
        lambda: (
            services.installment_plan_create(
                org=request.organisation,
                bill_id=bill.pk,
                requested_on=form.cleaned_data["requested_on"],
                by=request.user,
            )
            and _("The bill is now payable in instalments.")
        ),
    )


@login_required
@require_POST
def bill_objection(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    bill = _bill(request, pk)
    form = forms.ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in both dates and the grounds."))
        return redirect("billing:bill", pk=bill.pk)
    return _after(
        request,
        bill.pk,
        lambda: (
            services.objection_file(
                org=request.organisation, bill_id=bill.pk, by=request.user, **form.cleaned_data
            )
            and _("Objection recorded; it must be decided within 60 days.")
        ),
    )


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    objection = get_object_or_404(Objection, organisation=request.organisation, pk=pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the decision and its date."))
        return redirect("billing:bill", pk=objection.bill_id)
    data = form.cleaned_data
    corrected = data["corrected_tax_baht"]

    def decide():
        decision = services.objection_decide(
            org=request.organisation,
            objection_id=objection.pk,
            accepted=data["accepted"],
            decided_on=data["decided_on"],
            by=request.user,
            corrected_tax_satang=None if corrected is None else forms.to_satang(corrected),
            note=data["note"],
        )
        return (
            _("Decision recorded.")
            if decision.new_bill is None
            else _("Decision recorded; new bill version issued.")
        )

    return _after(request, objection.bill_id, decide)


@login_required
@require_POST
def bill_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, CORRECTION_ROLES)
    bill = _bill(request, pk)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _after(
        request,
        bill.pk,
        lambda: (
            services.bill_cancel(org=request.organisation, bill_id=bill.pk, by=request.user, reason=reason)
            and _("Bill cancelled.")
        ),
    )


@login_required
@require_GET
def taxpayer(request: HttpRequest, pk: int) -> HttpResponse:
    """One taxpayer's bills of every year and their credit: kept, spent on bills, paid back."""
    _require(request)
    owner = get_object_or_404(Owner, organisation=request.organisation, pk=pk)
    history = selectors.owner_credit_history(org=request.organisation, owner_id=owner.pk)
    balance = history.ledger.balance_satang
    context = {
        "owner": owner,
        "states": selectors.owner_bills(org=request.organisation, owner_id=owner.pk),
        "history": history,
        "can_refund": request.membership.role in REFUND_ROLES and balance > 0,
        "refund_form": forms.CreditRefundForm(
            initial={
                "amount_baht": _baht_text(max(balance, 0)),
                "idempotency_key": forms.new_form_key("refund"),
            }
        ),
    }
    return render(request, "billing/taxpayer.html", context)


@login_required
@require_POST
def taxpayer_refund(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, REFUND_ROLES)
    owner = get_object_or_404(Owner, organisation=request.organisation, pk=pk)
    form = forms.CreditRefundForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("billing:taxpayer", pk=owner.pk)
    data = form.cleaned_data
    try:
        refund = services.credit_refund(
            org=request.organisation,
            owner_id=owner.pk,
            amount_satang=forms.to_satang(data["amount_baht"]),
            method=data["method"],
            method_reference=data["method_reference"],
            by=request.user,
            reason=data["reason"],
            idempotency_key=data["idempotency_key"],
        )
    except BillingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Refund of %(amount)s baht recorded.") % {"amount": exports.money(refund.amount_satang)},
        )
    return redirect("billing:taxpayer", pk=owner.pk)


@login_required
@require_POST
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, CORRECTION_ROLES)
    payment = get_object_or_404(Payment, organisation=request.organisation, pk=pk)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _after(
        request,
        payment.bill_id,
        lambda: (
            services.payment_reverse(
                org=request.organisation, payment_id=payment.pk, by=request.user, reason=reason
            )
            and _("Payment reversed; its receipt is marked cancelled.")
        ),
    )


@login_required
@require_POST
def letter_received(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    letter = get_object_or_404(WarningLetter, organisation=request.organisation, pk=pk)
    form = forms.ReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the taxpayer received the letter."))
        return redirect("billing:bill", pk=letter.bill_id)
    return _after(
        request,
        letter.bill_id,
        lambda: (
            services.warning_letter_received(
                org=request.organisation, letter_id=letter.pk, received_on=form.cleaned_data["received_on"]
            )
            and _("Receipt of the warning letter recorded.")
        ),
    )


@login_required
@require_GET
def receipt_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    try:
        receipt = Receipt.objects.select_related("payment__bill__owner", "payment__bill__organisation").get(
            organisation=request.organisation, pk=pk
        )
    except Receipt.DoesNotExist:
        raise Http404 from None
    name = f"receipt-{receipt.fiscal_year_be}-{receipt.number:06d}.pdf"
    return _file(receipt_pdf(receipt), "application/pdf", name, inline=True)


@login_required
@require_GET
def bill_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    bill = _bill(request, pk)
    return _file(bill_pdf(bill), "application/pdf", f"bill-{bill.reference}.pdf", inline=True)


# --- back office ----------------------------------------------------------------------------------------


@login_required
def bank(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.BankUploadForm()
    status = 200
    if request.method == "POST":
        form = forms.BankUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement = services.bank_statement_import(
                    org=request.organisation, data=upload.read(), file_name=upload.name, by=request.user
                )
            except BillingError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "%(matched)s payments recorded with receipts, %(unmatched)s waiting for a person, "
                        "%(duplicates)s already imported, %(bad)s lines unreadable."
                    )
                    % {
                        "matched": statement.matched_count,
                        "unmatched": statement.unmatched_count,
                        "duplicates": statement.duplicate_count,
                        "bad": len(statement.bad_lines),
                    },
                )
                return redirect("billing:bank")
        status = 400
    context = {
        "form": form,
        "statements": BankStatementImport.objects.filter(organisation=request.organisation)[:10],
        "waiting": selectors.bank_lines_waiting(org=request.organisation)[:200],
        "match_form": forms.BankMatchForm(),
        "reason_form": forms.ReasonForm(),
    }
    return render(request, "billing/bank.html", context, status=status)


@login_required
@require_POST
def bank_line_match(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    form = forms.BankMatchForm(request.POST)
    bill = None
    if form.is_valid():
        bill = selectors.bill_current(
            org=request.organisation, reference=form.cleaned_data["reference"].strip()
        )
    if bill is None:
        messages.error(request, _("No bill with this reference."))
        return redirect("billing:bank")
    try:
        services.bank_line_match(org=request.organisation, line_id=pk, bill_id=bill.pk, by=request.user)
    except BillingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Line matched to bill %(ref)s and receipted.") % {"ref": bill.reference})
    return redirect("billing:bank")


@login_required
@require_POST
def bank_line_set_aside(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    form = forms.ReasonForm(request.POST)
    try:
        services.bank_line_set_aside(
            org=request.organisation,
            line_id=pk,
            by=request.user,
            note=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except BillingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Line set aside."))
    return redirect("billing:bank")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.YearForm(request.GET or {"year": _default_year(request)})
    year = form.cleaned_data["year"] if form.is_valid() else _default_year(request)
    summary = selectors.collection_summary(org=request.organisation, tax_year=year)
    context = {
        "form": form,
        "summary": summary,
        "year": year,
        "warning_form": forms.WarningBatchForm(initial={"year": year, "issued_on": selectors.today()}),
        "day_form": forms.DayForm(initial={"day": selectors.today()}),
        "objections": selectors.objections_needing_decision(org=request.organisation),
        "calendar": selectors.collection_calendar(tax_year=year),
    }
    return render(request, "billing/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else _default_year(request)
    summary = selectors.collection_summary(org=request.organisation, tax_year=year)
    return _file(exports.collection_csv(summary), "text/csv; charset=utf-8", f"collection-{year}.csv")


@login_required
@require_GET
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else _default_year(request)
    summary = selectors.collection_summary(org=request.organisation, tax_year=year)
    content = exports.collection_xlsx(summary, org=request.organisation)
    return _file(content, exports.XLSX_CONTENT_TYPE, f"collection-{year}.xlsx")


@login_required
@require_GET
def arrears_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else _default_year(request)
    rows = selectors.arrears_list(org=request.organisation, tax_year=year)
    content = exports.arrears_xlsx(rows, org=request.organisation, tax_year=year)
    return _file(content, exports.XLSX_CONTENT_TYPE, f"arrears-{year}.xlsx")


@login_required
@require_GET
def elaas_csv(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.DayForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Give a day as YYYY-MM-DD."), status=400, content_type="text/plain; charset=utf-8"
        )
    day: dt.date = form.cleaned_data["day"]
    text = exports.elaas_receipts_csv(org=request.organisation, day=day)
    return _file(text, "text/csv; charset=utf-8", f"elaas-receipts-{day.isoformat()}.csv")


@login_required
@require_GET
def arrears_csv(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else _default_year(request)
    rows = selectors.arrears_list(org=request.organisation, tax_year=year)
    return _file(exports.arrears_csv(rows), "text/csv; charset=utf-8", f"arrears-{year}.csv")


@login_required
@require_POST
def warnings_issue(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.WarningBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the tax year and the letter date."))
        return redirect("billing:dashboard")
    letters = services.warning_letters_issue(
        org=request.organisation,
        tax_year=form.cleaned_data["year"],
        by=request.user,
        issued_on=form.cleaned_data["issued_on"],
    )
    if not letters:
        messages.info(request, _("Every unpaid bill of that year already has its warning letter."))
        return redirect("billing:dashboard")
    letters = list(
        WarningLetter.objects.filter(pk__in=[letter.pk for letter in letters]).select_related("bill")
    )
    name = f"warning-letters-{form.cleaned_data['year']}-{form.cleaned_data['issued_on'].isoformat()}.pdf"
    return _file(warning_letters_pdf(letters), "application/pdf", name)


@login_required
@require_POST
def bills_issue(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the tax year."))
        return redirect("billing:dashboard")
    made = services.bills_issue_for_year(
        org=request.organisation, tax_year=form.cleaned_data["year"], by=request.user
    )
    messages.success(request, _("%(count)s bills made from issued assessments.") % {"count": made})
    return redirect(f"{reverse('billing:dashboard')}?year={form.cleaned_data['year']}")


# --- residents ------------------------------------------------------------------------------------------


@login_required
@require_GET
def my_bills(request: HttpRequest) -> HttpResponse:
    """The resident's own bills (taxpayers linked to the login by Owner.user): status, owed, Thai QR."""
    _require(request, RESIDENT_ROLES)
    rows = []
    for bill in selectors.bill_list_for_resident(org=request.organisation, user=request.user):
        state = selectors.bill_state(bill=bill)
        qr_image = None
        if state.is_payable and state.owed.total_satang:
            payload = bill_qr_payload(bill, amount_satang=state.owed.total_satang)
            qr_image = qr_data_uri(payload) if payload else None
        rows.append({"state": state, "qr_image": qr_image})
    response = render(request, "billing/my_bills.html", {"rows": rows, "today": selectors.today()})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_bill_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, RESIDENT_ROLES)
    # Through the resident's own set only: another taxpayer's bill is not found, whatever its number.
    bill = selectors.bill_list_for_resident(org=request.organisation, user=request.user).filter(pk=pk).first()
    if bill is None:
        raise Http404
    return _file(bill_pdf(bill), "application/pdf", f"bill-{bill.reference}.pdf")

"""Billing over HTTP: look up a bill and pay it (a bank's or a kiosk's client). One operation per class."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.billing import selectors, services
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Bill, Payment
from apps.core.api import IsOrganisationMember
from apps.organisations.models import Role

# Refusals that are about the bill's state rather than the request's shape: 409 Conflict.
CONFLICTS = {
    BillingErrorCode.ALREADY_PAID,
    BillingErrorCode.BALANCE_CHANGED,
    BillingErrorCode.BILL_CANCELLED,
    BillingErrorCode.KEY_REUSED,
}


class IsFinanceStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        membership = getattr(request, "membership", None)
        return bool(membership and membership.role in (Role.TAX_OFFICER, Role.ADMIN))


class BillOutput(serializers.Serializer):
    def to_representation(self, state: selectors.BillState) -> dict:
        bill = state.bill
        return {
            "id": bill.pk,
            "reference": bill.reference,
            "version": bill.version,
            "tax_year": bill.tax_year,
            "taxpayer": bill.owner.full_name,
            "amount_satang": bill.amount_satang,
            "due_date": bill.due_date.isoformat(),
            "status": state.status.value,
            "on": state.on.isoformat(),
            "tax_paid_satang": state.tax_paid_satang,
            "owed": {
                "tax_satang": state.owed.tax_satang,
                "penalty_satang": state.owed.penalty_satang,
                "surcharge_satang": state.owed.surcharge_satang,
                "total_satang": state.owed.total_satang,
            },
            "credit_satang": state.credit_satang,
        }


class BillListApi(APIView):
    permission_classes = [IsOrganisationMember, IsFinanceStaff]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="bill reference, taxpayer ID number or name")],
        responses={200: OpenApiTypes.OBJECT},
        summary="Find current bills, with what each owes today",
        operation_id="billing_bills_search",
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        bills = selectors.bill_search(org=request.organisation, query=query)
        return Response({"results": [BillOutput(selectors.bill_state(bill=bill)).data for bill in bills]})


class BillDetailApi(APIView):
    permission_classes = [IsOrganisationMember, IsFinanceStaff]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: None},
        summary="One bill and what it owes today",
        operation_id="billing_bill_get",
    )
    def get(self, request, pk: int):
        try:
            bill = selectors.bill_get(org=request.organisation, pk=pk)
        except Bill.DoesNotExist:
            raise Http404 from None
        return Response(BillOutput(selectors.bill_state(bill=bill)).data)


class PaymentInput(serializers.Serializer):
    amount_satang = serializers.IntegerField(min_value=1, max_value=999_999_999_999)
    method = serializers.ChoiceField(choices=Payment.Method.choices)
    idempotency_key = serializers.CharField(max_length=60)
    method_reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    expected_owed_satang = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None
    )

    def validate_amount_satang(self, value):
        # JSON 12.5 arrives as a float; integer satang only (STYLE: never float money).
        if isinstance(self.initial_data.get("amount_satang"), float):
            raise serializers.ValidationError("amount_satang must be an integer number of satang.")
        return value


class BillPayApi(APIView):
    permission_classes = [IsOrganisationMember, IsFinanceStaff]

    @extend_schema(
        request=PaymentInput,
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, 400: None, 404: None, 409: None},
        summary="Record a payment and its receipt; the same idempotency_key again returns the first (200)",
        operation_id="billing_bill_pay",
    )
    def post(self, request, pk: int):
        body = PaymentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = services.payment_record(
                org=request.organisation,
                bill_id=pk,
                by=request.user,
                # Keys from the API live in their own namespace: they cannot collide with the counter's.
                idempotency_key=f"api:{request.organisation.pk}:{data['idempotency_key']}",
                amount_satang=data["amount_satang"],
                method=data["method"],
                method_reference=data["method_reference"],
                expected_owed_satang=data["expected_owed_satang"],
            )
        except BillingError as exc:
            if exc.code is BillingErrorCode.NOT_FOUND:
                raise Http404 from None
            code = status.HTTP_409_CONFLICT if exc.code in CONFLICTS else status.HTTP_400_BAD_REQUEST
            return Response({"detail": exc.message, "code": exc.code.value}, status=code)
        payment = result.payment
        return Response(
            {
                "payment_id": payment.pk,
                "receipt_no": result.receipt.number_text if result.receipt else None,
                "amount_satang": payment.amount_satang,
                "tax_satang": payment.tax_satang,
                "penalty_satang": payment.penalty_satang,
                "surcharge_satang": payment.surcharge_satang,
                "credit_satang": payment.credit_satang,
                "created": result.created,
            },
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

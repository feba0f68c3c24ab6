from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.taxation.domain import QuoteInputError, parse_quote_json, quote
from apps.taxation.engine_settings import engine_settings

_EXAMPLE = {
    "tax_year": 2569,
    "taxpayer": {"type": "individual"},
    "properties": [
        {"ref": "A", "land": {"area": "1-0-00", "price_per_sq_wa": "5000"}, "uses": {"agriculture": "1"}}
    ],
}


class TaxQuoteApi(APIView):
    """The tax-quote contract over HTTP. Pure: it reads no registry row, so anyone may ask for an estimate."""

    permission_classes = [AllowAny]
    # No session authentication: it would make DRF enforce CSRF by reading request.POST, which a raw JSON body
    # with no parser turns into a 415. The quote is public and reads no data, so it needs no user.
    authentication_classes = []
    parser_classes = []  # the body is read raw: JSON floats must be refused, DRF's parser would accept them

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("Agriculture, individual", value=_EXAMPLE, request_only=True)],
        summary="Quote the land and building tax for one taxpayer (see tax-quote-contract.md)",
    )
    def post(self, request):
        try:
            answer = quote(parse_quote_json(request.body), settings=engine_settings())
        except QuoteInputError as error:
            return Response(
                {"detail": str(error), "field": error.field, "code": error.code},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(answer)

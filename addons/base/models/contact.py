"""Normalising a partner's email and phone numbers before they are stored (and compared for uniqueness).

Emails are checked with email-validator and stored lower case; phone numbers are
parsed with phonenumbers and stored in E.164 (``+6281234567890``), a number
written without a country prefix being read in the region of the partner's
company (else of the acting user's company, else of the partner's country).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from kernel.exceptions import ValidationError

PHONE_FIELDS = ("mobile_number", "phone_number")


def normalise_email(value: Any) -> Any:
    """The address as stored: validated, normalised, lower case; empty values stay empty."""
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"Partner: Email {value!r} is not a valid address: {exc}", code="PARTY_EMAIL_INVALID",
                              field="email") from None
    return result.normalized.lower()


def normalise_phone(field: str, value: Any, region: str | None) -> Any:
    """The number in E.164; ``region`` (ISO alpha-2) reads numbers written without a country prefix."""
    if not isinstance(value, str) or not value.strip():
        return value
    label = field.replace("_", " ").capitalize()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        hint = "" if region else " (no country known: write it with its +country prefix)"
        raise ValidationError(f"Partner: {label} {value!r} is not a phone number: {exc}{hint}",
                              code="PARTY_PHONE_INVALID", field=field) from None
    if not phonenumbers.is_valid_number(number):
        where = f" for region {region}" if region and not value.strip().startswith("+") else ""
        raise ValidationError(f"Partner: {label} {value!r} is not a valid phone number{where}", code="PARTY_PHONE_INVALID",
                              field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class RegionResolver:
    """Finds the phone region for partner values, one query per company or country over a whole batch."""

    def __init__(self, env: Any):
        self.env = env(su=True)
        self._company: dict[int, str | None] = {}
        self._country: dict[int, str | None] = {}
        self._user_company: int | None | bool = False

    def region(self, vals: Mapping[str, Any], record: Any = None) -> str | None:
        company_id = _id(vals["company_id"]) if "company_id" in vals else (record.company_id.id if record else None)
        country_id = _id(vals["country_id"]) if "country_id" in vals else (record.country_id.id if record else None)
        return (self._company_region(company_id) or self._company_region(self._acting_company())
                or self._country_code(country_id))

    def _acting_company(self) -> int | None:
        if self._user_company is False:
            self._user_company = self.env.user.company_id.id or None
        return self._user_company  # type: ignore[return-value]

    def _company_region(self, company_id: int | None) -> str | None:
        if not company_id:
            return None
        if company_id not in self._company:
            country = self.env["res.company"].browse(company_id).country_id
            self._company[company_id] = country.code or None
        return self._company[company_id]

    def _country_code(self, country_id: int | None) -> str | None:
        if not country_id:
            return None
        if country_id not in self._country:
            self._country[country_id] = self.env["res.country"].browse(country_id).code or None
        return self._country[country_id]


def _id(value: Any) -> int | None:
    if hasattr(value, "_ids"):
        return value._ids[0] if value._ids else None
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value or None


def normalise_contact_values(resolver: RegionResolver, vals: Mapping[str, Any], record: Any = None) -> dict[str, Any]:
    """``vals`` with email and phone numbers in their stored form."""
    result = dict(vals)
    if "email" in result:
        result["email"] = normalise_email(result["email"])
    if any(isinstance(result.get(name), str) and result[name].strip() for name in PHONE_FIELDS):
        region = resolver.region(result, record)
        for name in PHONE_FIELDS:
            if name in result:
                result[name] = normalise_phone(name, result[name], region)
    return result

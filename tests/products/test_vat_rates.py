"""The EU VAT table, its ini overrides, which VAT an order gets, the one conversion of a
Belgian consumer price to the price charged, and shipping per delivery country."""

from decimal import Decimal

import pytest

from shopcms.orders.checkout import EU_COUNTRIES
from shopcms.products import pricing, vat_rates
from shopcms.products.resources import VAT_RATES

D = Decimal
OSS_ON = {"shopcms.vat.oss": "on"}
NL_BUSINESS = "NL004495445B01"  # valid format and check digits
BE_BUSINESS = "BE0403170701"


def test_the_table_has_both_classes_for_every_member_state_and_says_when_it_was_checked():
    countries = vat_rates.seeded()["countries"]
    assert sorted(countries) == sorted(EU_COUNTRIES)  # every country a parcel can go to
    for code, rates in countries.items():
        assert set(rates) == set(vat_rates.CLASSES), code
        assert D("0") < rates["reduced"] <= rates["standard"] <= D("27"), code
    assert vat_rates.checked() == "2026-12-06"
    # Belgium's row is the products' own rates: the table cannot contradict them.
    assert countries["BE"] == {"standard": D("21"), "reduced": D("6")}
    # A few rates of the shop's goods (pots at the standard rate, live plants reduced).
    assert countries["FR"] == {"standard": D("20"), "reduced": D("10")}
    assert countries["NL"] == {"standard": D("21"), "reduced": D("9")}
    assert countries["DE"] == {"standard": D("19"), "reduced": D("7")}
    assert countries["IE"] == {"standard": D("23"), "reduced": D("13.5")}
    assert countries["DK"] == {"standard": D("25"), "reduced": D("25")}  # no reduced rate


def test_every_belgian_rate_a_product_can_have_has_a_class():
    assert {r: vat_rates.vat_class(r) for r in VAT_RATES} == {
        D("21"): "standard",
        D("12"): "standard",  # no good of the shop; the safe side (see the module)
        D("6"): "reduced",
        D("0"): "zero",
    }
    with pytest.raises(ValueError, match="not a Belgian rate"):
        vat_rates.vat_class("19")


def test_an_ini_line_overrides_the_classes_it_names():
    settings = {"shopcms.vat.rates.FR": "reduced 5.5", "shopcms.vat.rates.de": "standard 16"}
    assert vat_rates.country_rates(settings, "FR") == {"standard": D("20"), "reduced": D("5.5")}
    assert vat_rates.country_rates(settings, "DE") == {"standard": D("16"), "reduced": D("7")}
    assert vat_rates.country_rates(settings, "NL") == {"standard": D("21"), "reduced": D("9")}
    overridden = {code for code, _rates, changed in vat_rates.table(settings) if changed}
    assert overridden == {"FR", "DE"}
    assert vat_rates.parse_override("Standard 20 %, reduced 10") == {
        "standard": D("20"),
        "reduced": D("10"),
    }


@pytest.mark.parametrize(
    "key, value",
    [
        ("shopcms.vat.rates.FR", "standard twenty"),
        ("shopcms.vat.rates.FR", "super 2.1"),
        ("shopcms.vat.rates.FR", "reduced 10, reduced 5.5"),
        ("shopcms.vat.rates.FR", "reduced 100"),
        ("shopcms.vat.rates.CH", "standard 8.1"),  # not a member state
        ("shopcms.vat.rates.BE", "reduced 12"),  # Belgium's are the products' own
        ("shopcms.shipping.NL.standard", "cheap"),
    ],
)
def test_a_malformed_setting_stops_the_start(key, value):
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        pricing.check_settings({key: value})


def test_the_scheme_follows_the_delivery_country_the_buyer_and_the_oss_switch():
    taxation = pricing.taxation
    # Belgium, OSS off, or a Belgian business: Belgian VAT.
    assert taxation(OSS_ON, "BE") == pricing.BELGIAN
    assert taxation({}, "FR") == pricing.BELGIAN
    assert taxation(OSS_ON, "FR", BE_BUSINESS) == pricing.BELGIAN
    # A consumer elsewhere with OSS on: that country's rates.
    french = taxation(OSS_ON, "FR")
    assert (french.scheme, french.country) == ("oss", "FR")
    assert (french.rate(D("21")), french.rate(D("6")), french.rate(D("0"))) == (20, 10, 0)
    # A business with a valid number of another member state, goods leaving Belgium:
    # reverse charge, OSS on or off.
    for settings in ({}, OSS_ON):
        dutch = taxation(settings, "NL", NL_BUSINESS)
        assert (dutch.scheme, dutch.country, dutch.rate(D("21"))) == ("reverse_charge", "NL", 0)
    assert taxation({}, "FR", "nl 0044.95445.B01").scheme == "reverse_charge"  # any spacing
    # ... but not for goods that stay in Belgium, nor with a number that is not valid.
    assert taxation(OSS_ON, "BE", NL_BUSINESS) == pricing.BELGIAN
    assert taxation({}, "NL", "NL004495446B01") == pricing.BELGIAN
    # Greece's VAT numbers start with EL.
    assert vat_rates.country_of_vat_prefix("EL") == "GR"


def test_the_net_stays_and_the_destination_vat_is_added_rounded_per_unit():
    french = pricing.taxation(OSS_ON, "FR")
    assert pricing.charged(D("13.50"), D("21"), french) == (D("13.39"), D("20"))
    assert pricing.charged(D("7.95"), D("6"), french) == (D("8.25"), D("10"))
    dutch_business = pricing.taxation({}, "NL", NL_BUSINESS)
    assert pricing.charged(D("13.50"), D("21"), dutch_business) == (D("11.16"), D("0"))
    assert pricing.charged(D("7.95"), D("6"), dutch_business) == (D("7.50"), D("0"))
    # Belgian VAT leaves every price as it is.
    assert pricing.charged(D("13.50"), D("21")) == (D("13.50"), D("21"))
    # Same rate as Belgium's (NL standard): the same gross price.
    assert pricing.charged(D("13.50"), D("21"), pricing.taxation(OSS_ON, "NL"))[0] == D("13.50")


def test_charge_converts_units_and_shipping_and_adds_vat_per_rate_once():
    french = pricing.taxation(OSS_ON, "FR")
    summary = pricing.charge(
        {}, [(D("13.50"), 2, D("21")), (D("7.95"), 1, D("6"))], "standard", "FR", french
    )
    assert [(x.unit_price, x.qty, x.vat_rate, x.total) for x in summary.lines] == [
        (D("13.39"), 2, D("20"), D("26.78")),
        (D("8.25"), 1, D("10"), D("8.25")),
    ]
    assert (summary.goods, summary.shipping, summary.shipping_rate) == (
        D("35.03"),
        D("6.89"),  # 6.95 at 21 % becomes 6.89 at 20 %
        D("20"),
    )
    assert summary.totals.total == D("41.92")
    assert summary.totals.vat_by_rate == ((D("20"), D("5.61")), (D("10"), D("0.75")))
    # The threshold is compared with the goods at Belgian prices (34.95 of 50).
    assert summary.left_for_free == D("15.05")
    # The old summary of pairs is Belgium's.
    old = pricing.summary({}, [(D("27.00"), D("21")), (D("7.95"), D("6"))])
    assert old.totals.total == D("41.90") and old.taxation == pricing.BELGIAN


def test_shipping_per_delivery_country_falls_back_to_the_shop_wide_settings():
    settings = {
        "shopcms.shipping.standard": "5.95",
        "shopcms.shipping.NL.standard": "8.95",
        "shopcms.shipping.NL.free_from": "75.00",
        "shopcms.shipping.lu.express": "19.95",
    }
    cost = pricing.shipping_cost
    assert cost(settings, "standard", D("60")) == D("0.00")  # Belgium: free from 50
    assert cost(settings, "standard", D("40")) == D("5.95")
    assert cost(settings, "standard", D("60"), "NL") == D("8.95")  # NL: free from 75
    assert cost(settings, "standard", D("75"), "NL") == D("0.00")
    assert cost(settings, "express", D("60"), "NL") == D("12.95")  # the default
    assert cost(settings, "express", D("60"), "LU") == D("19.95")
    assert cost(settings, "standard", D("40"), "DE") == D("5.95")  # no setting: Belgium's
    assert pricing.free_delivery_from(settings, "NL") == D("75.00")
    assert pricing.free_delivery_from(settings) == D("50.00")

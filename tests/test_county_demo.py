"""The sandbox's demo county (issue 13 §1): two townships, each with its own staff member and
business, and a county staff member who compares them; the web index shows the county."""

from __future__ import annotations

import aiohttp

from bot.sandbox.demo import TAOYUAN_TOPIC, USERS, seed
from bot.sandbox.environment import sandbox
from run import Runtime


async def test_the_demo_county_shows_two_townships_to_their_staff_and_the_county():
    chief_a, chief_b = (u.user_id for u in USERS if u.role == "township")
    (county,) = (u.user_id for u in USERS if u.role == "county")
    async with sandbox(None) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        try:
            seed(runtime.services)
            seed(runtime.services)  # a second start seeds nothing twice
            person = runtime.services.membership.person
            tracking = runtime.services.topics.tracking
            theirs = {t.village_code for t in tracking.pending(person(chief_b), None).topics}
            mine = {t.village_code for t in tracking.pending(person(chief_a), None).topics}
            everyone = tracking.pending(person(county), None).topics
            _, rows = runtime.services.county.compare(person(county), None)
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{runtime.web_port}"
                async with http.get(f"{url}/") as response:
                    index = await response.text()
                async with http.get(f"{url}/z/nanshan") as response:
                    township = await response.text()
        finally:
            await runtime.stop()
    assert theirs == {"taoyuan"} and "taoyuan" not in mine and "qingshan" in mine
    assert TAOYUAN_TOPIC[1] in {t.text for t in everyone} and len(everyone) == 3
    assert [(r.name, r.counts.filed, r.villages) for r in rows] == [
        ("南山乡", 1, 2),
        ("示范镇", 2, 3),
    ]
    assert "示范县" in index and "/z/nanshan" in index and "/z/shifan" in index
    assert "/v/taoyuan" in township and "/v/lishu" in township and "/v/qingshan" not in township

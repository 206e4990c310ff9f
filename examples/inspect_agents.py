"""Step the reference engine month by month and look at individual agents.

    uv run python examples/inspect_agents.py [--scenario scenarios/baseline.toml] [--run 3]

Follows one bank-like enterprise (large, EU, sensitive data) through its deployment choices,
prints every license switch of the open labs with the value the rulebook weighed, and ends
with the run's end state. The numbers are those of run K of ``aimarket run`` with the same
scenario and seed.
"""

from __future__ import annotations

import argparse

from sim.calendar import month_label
from sim.engine.agents import Enterprise, OpenLab
from sim.engine.reference import DEFAULT_SCENARIO, MarketModel
from sim.params.scenario import load_scenario


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    p.add_argument("--run", type=int, default=3, help="run index (default 3)")
    p.add_argument("--enterprises", type=int, help="override the population (quicker)")
    p.add_argument("--developers", type=int, help="override the population (quicker)")
    args = p.parse_args(argv)

    scenario = load_scenario(args.scenario)
    if args.enterprises:
        scenario = scenario.with_values(run__enterprises=args.enterprises)
    if args.developers:
        scenario = scenario.with_values(run__developers=args.developers)
    model = MarketModel(scenario, run=args.run)
    print(model)

    # a bank: a large EU enterprise with the most sensitive data
    candidates = [e for e in model.agents_by_type[Enterprise] if e.large and e.region == 1]
    bank = max(candidates or model.enterprises, key=lambda e: e.sensitivity)
    print(
        f"\nfollowing enterprise {bank.index}: large={bank.large}, region={bank.region_name}, "
        f"sensitivity={bank.sensitivity:.2f}, in-house skill={bank.skill:.2f}, "
        f"tolerates {bank.tolerance:.1f} months behind the frontier"
    )
    last = None
    while model.running:
        model.step()
        now = (bank.deployment, bank.family, bank.vendor)
        if now != last:
            lab = model.lab_agents
            uses = {
                "closed_api": f"API of {lab[bank.vendor].name}",
                "managed_open": f"{lab[bank.family].name} managed on "
                f"{model.cloud_agents[bank.cloud].name}",
                "self_hosted": f"{lab[bank.family].name}, self-hosted",
                "hybrid": f"{lab[bank.family].name} + API of {lab[bank.vendor].name}",
                "none": "nothing yet",
            }[bank.deployment]
            print(f"  {month_label(model.month - 1)}  {bank.deployment:<13} {uses}")
            last = now

    print("\nlicense switches of the open labs:")
    for lab in model.agents_by_type[OpenLab]:
        for e in lab.events():
            if e["kind"] == "license_switch":
                stance = "open" if e["value"] > 0 else "closed"
                why = (
                    "forced by investors"
                    if e["target"]
                    else f"net value of open {e['value2']:+.2f}, a logit draw"
                )
                print(f"  {month_label(e['time'])}  {lab.name:<9} goes {stance} ({why})")

    frame = model.datacollector.get_model_vars_dataframe()
    print("\nopen share of enterprise tokens, December of each year:")
    for year_end in range(11, model.months, 12):
        print(f"  {month_label(year_end)}  {frame['open_share'].iloc[year_end]:.3f}")
    print(f"\nend state: {model.end_state}")


if __name__ == "__main__":
    main()

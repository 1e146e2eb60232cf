#!/usr/bin/python3
"""SimFaaS itself over several seeds, for the reference side of seeds.sh: P(cold) and the
time-averaged number of instances of SimFaaS's two scenarios, one line per seed.

SimFaaS is not part of this repository: check it out (github.com/pacslab/simfaas) and give the
folder that holds its `simfaas` package. Needs numpy, scipy, pandas and tqdm (Debian:
python3-numpy python3-scipy python3-pandas python3-tqdm).
  /usr/bin/python3 experiments/sim/simfaas/simfaas_reference.py SIMFAAS_DIR [REQUESTS] [SEEDS]
Each run lasts REQUESTS / λ simulated seconds (SimFaaS stops at a time, not a request count), so
it serves about REQUESTS requests; it costs ~30-40 CPU s per 10^6 requests.
"""
import sys

import numpy as np

SCENARIOS = {  # name: (λ per s, warm mean s, cold mean s, expiration threshold s)
    "scenario": (0.9, 1.991, 2.244, 600),
    "scenario-busy": (10.0, 0.5, 2.0, 60),
}


def main():
    sys.path.insert(0, sys.argv[1])
    from simfaas.ServerlessSimulator import ServerlessSimulator

    requests = int(float(sys.argv[2])) if len(sys.argv) > 2 else 1000000
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    only = sys.argv[4] if len(sys.argv) > 4 else None
    print("scenario seed requests cold p_cold instances", flush=True)
    for name, (rate, warm, cold, expiry) in SCENARIOS.items():
        if only and name != only:
            continue
        for seed in range(1, seeds + 1):
            np.random.seed(seed)
            sim = ServerlessSimulator(arrival_rate=rate, warm_service_rate=1 / warm,
                                      cold_service_rate=1 / cold, expiration_threshold=expiry,
                                      max_time=requests / rate)
            sim.generate_trace()
            result = sim.get_result_dict()
            print(name, seed, result["reqs_total"], result["reqs_cold"],
                  "%.6f" % result["prob_cold"], "%.4f" % result["inst_count_avg"], flush=True)


if __name__ == "__main__":
    main()

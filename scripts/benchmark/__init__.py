"""scripts/bench: the integration and per-room `rest` polling side by side in one Home Assistant.

Modules, one job each: `virtual_time` (the clocks), `simulator` (the Robin simulator process and
its control API), `home_assistant` (an offline Home Assistant core in this process), `columns`
(the two set-ups), `counters` (requests, CPU, state writes, memory, timers), `changes` (what is
changed in Robin between polls), `run` (the measuring plan), `table` (the printed table).
"""

"""A subject in another language than TypeScript: it serves shakedown's control channel on
stdin/stdout and trades on the venue over a WebSocket (mini_ws.py, standard library only).
It keeps no state file: at every start it takes the venue's word (boot reconciliation)."""
import itertools, json, os, sys, threading
from mini_ws import Closed, WebSocket

env = os.environ
symbol = json.loads(env["SHAKEDOWN_INSTRUMENT"])["symbol"]
ws, ids, waiting, lock = WebSocket(env["SHAKEDOWN_VENUE_URL"]), itertools.count(1), set(), threading.Lock()
FIELDS = ("clientOrderId", "symbol", "side", "price", "qty", "filledQty")

def call(**request):  # one request to the venue; string ids, as forged answers echo them too
    request["id"] = str(next(ids)); waiting.add(request["id"]); ws.send(json.dumps(request)); return request["id"]

def result_of(rid):  # at boot: the answer to one request (events before it are in the snapshot)
    while (message := json.loads(ws.recv())).get("id") != rid: pass
    return message["result"]

def apply(e):  # one event of the account stream, folded into the belief
    orders, cid = state["openOrders"], e.get("clientOrderId")
    if e["type"] == "order_accepted": orders[cid] = {k: e.get(k) for k in FIELDS} | {"filledQty": 0}
    if e["type"] == "fill" and cid in orders: orders[cid]["filledQty"] = e["filledQty"]
    if e["type"] in ("order_cancelled", "order_expired") or e.get("remainingQty") == 0: orders.pop(cid, None)
    if e["type"] == "position": state["positions"][e["symbol"]] = e["qty"]
    if e["type"] == "balance": state["cash"] = e["cash"]

def intent(i):  # the intent's id is the client order id: a retried intent cannot execute twice
    position, priced = state["positions"].get(symbol, 0), {"orderType": "limit", "price": i.get("price")}
    order = dict(symbol=symbol, clientOrderId=i["id"], **(priced if "price" in i else {"orderType": "market"}))
    if state["halted"]: return {"accepted": False, "reason": "halted"}
    if i["type"] == "enter": call(type="place", side=i["side"], qty=i["qty"], **order)
    elif i["type"] == "exit" and position: call(type="place", side="sell" if position > 0 else "buy", qty=i.get("qty") or abs(position), **order)
    elif i["type"] == "cancel": call(type="cancel", clientOrderId=i["target"]) if i.get("target") else call(type="cancel_all", symbol=symbol)
    elif i["type"] != "exit": return {"accepted": False, "reason": "unsupported"}
    return {"accepted": True}

def read():  # the venue's messages as they come; a lost connection halts it (it never reconnects)
    try:
        while message := json.loads(ws.recv()):
            with lock:
                waiting.discard(message.get("id"))
                if message["type"] == "event" and message["stream"].startswith("account:"): apply(message["event"])
    except Closed:
        with lock: state.update(halted=True, haltReason="venue connection lost")

result_of(call(type="login", key=env["SHAKEDOWN_API_KEY"]))
snapshot = result_of(call(type="resync", streams=[f"account:{env['SHAKEDOWN_ACCOUNT']}"]))["snapshot"]["accounts"][0]
state = {"openOrders": {o["clientOrderId"]: {k: o.get(k) for k in FIELDS} for o in snapshot["openOrders"]}, "halted": False,
         "positions": {p["symbol"]: p["qty"] for p in snapshot["account"]["positions"]}, "cash": snapshot["account"]["cash"]}
waiting.clear()
threading.Thread(target=read, daemon=True).start()
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:  # shakedown's requests, one a line; the end of stdin means shakedown is gone
    request = json.loads(line)
    with lock:
        serve = {"intent": lambda: intent(request["intent"]), "state": lambda: state, "settled": lambda: {"settled": not waiting},
                 "invariants": lambda: [], "consume": lambda: apply(request["event"]["event"]) or {}, "stop": lambda: {}}.get(request["op"])
        print(json.dumps({"id": request["id"], "ok": True, "result": serve()} if serve else {"id": request["id"], "ok": False, "error": "unknown_op"}), flush=True)
    if request["op"] == "stop": break

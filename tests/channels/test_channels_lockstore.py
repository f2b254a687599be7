"""channels.lockstore.AtomicRedisLockStore: tickets taken at the same moment by several Rasa
processes (here: separate store instances with their own Redis connections) are never lost."""
import threading
import uuid

from rasa.utils.endpoints import EndpointConfig

from channels.lockstore import AtomicRedisLockStore


def make_store(prefix: str) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(endpoint_config=EndpointConfig(
        url="127.0.0.1", port=6379, db=0, key_prefix=prefix, type="channels.lockstore.AtomicRedisLockStore"))


def test_lockstore_concurrent_tickets_are_all_kept_and_cleaned_up():
    prefix = "locktest" + uuid.uuid4().hex[:8]
    stores = [make_store(prefix) for _ in range(8)]
    conversation = "c-" + uuid.uuid4().hex
    tickets, barrier = [], threading.Barrier(len(stores))

    def take(store):
        barrier.wait()
        for _ in range(5):
            tickets.append((store, store.issue_ticket(conversation)))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    numbers = [n for _, n in tickets]
    assert sorted(numbers) == list(range(40))  # every ticket distinct, none lost
    lock = stores[0].get_lock(conversation)
    assert len(lock.tickets) == 40
    for store, number in tickets:
        store.cleanup(conversation, number)
    assert stores[0].get_lock(conversation) is None
    assert not list(stores[0].red.scan_iter(match=f"{prefix}:*"))

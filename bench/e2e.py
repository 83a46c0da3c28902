#!/usr/bin/env python3
"""Whole-process benchmarks of auditbridge on generated, provider-shaped inputs (issue 15's table).

Every figure is measured in this run next to a bare-Jackson baseline (JacksonBaseline: read each JSON value as a
tree, write it back as NDJSON) on the same file, interleaved, --runs times; medians are reported, with the ratio.
Benchmarks are measurements, not tests. Usage: bench/e2e [--events N] [--runs R] [--only ROW,...] [--skip-build]
Rows: translate-eks translate-aks translate-openshift translate-gke translate-sink backfill receiver-openshift
receiver-firehose evaluate heap-1m
"""
import argparse, base64, gzip, json, os, random, socket, statistics, subprocess, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'bench', 'target')
T0 = 1764576000  # 2025-12-01T08:00:00Z


def iso(seconds, micros=0):
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds)) + '.%06dZ' % micros


# ---------------------------------------------------------------- inputs, written from the documented formats
USERS = ['alice@example.com', 'bob@example.com', 'system:serviceaccount:ci:deployer', 'kubernetes-admin',
         'system:node:ip-10-0-1-23.ec2.internal', 'system:kube-controller-manager']
VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']
RESOURCES = [('', 'v1', 'pods'), ('', 'v1', 'configmaps'), ('', 'v1', 'secrets'), ('apps', 'v1', 'deployments'),
             ('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings'), ('', 'v1', 'services')]


def event(i, rnd):
    group, version, res = rnd.choice(RESOURCES)
    verb = rnd.choice(VERBS)
    ns = 'team-%d' % rnd.randrange(20)
    name = '%s-%d' % (res[:-1], rnd.randrange(1000))
    base = '/api/%s' % version if not group else '/apis/%s/%s' % (group, version)
    uri = '%s/namespaces/%s/%s' % (base, ns, res) + ('' if verb in ('create', 'list') else '/' + name)
    t = T0 + i // 100
    ev = {'kind': 'Event', 'apiVersion': 'audit.k8s.io/v1', 'level': 'RequestResponse' if i % 4 == 0 else 'Metadata',
          'auditID': str(uuid.UUID(int=rnd.getrandbits(128))), 'stage': 'ResponseComplete', 'requestURI': uri,
          'verb': verb,
          'user': {'username': rnd.choice(USERS), 'uid': 'a1b2c3d4-%04d' % rnd.randrange(10000),
                   'groups': ['system:authenticated', 'system:masters' if i % 3 else 'developers'],
                   'extra': {'authentication.kubernetes.io/credential-id': ['X509SHA256=%064x' % rnd.getrandbits(256)]}},
          'sourceIPs': ['10.0.%d.%d' % (rnd.randrange(256), rnd.randrange(256))],
          'userAgent': 'kubectl/v1.31.3 (linux/amd64) kubernetes/c83cbee',
          'objectRef': {'resource': res, 'namespace': ns, 'name': name, 'apiVersion': version},
          'responseStatus': {'metadata': {}, 'code': 201 if verb == 'create' else 200},
          'requestReceivedTimestamp': iso(t, (i % 100) * 10000), 'stageTimestamp': iso(t, (i % 100) * 10000 + 3456),
          'annotations': {'authorization.k8s.io/decision': 'allow',
                          'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "cluster-admins" of ClusterRole "cluster-admin" to Group "system:masters"'}}
    if group:
        ev['objectRef']['apiGroup'] = group
    if i % 4 == 0 and res == 'pods':
        ev['requestObject'] = {'kind': 'Pod', 'apiVersion': 'v1', 'metadata': {'name': name, 'namespace': ns, 'labels': {'app': 'web'}},
                               'spec': {'containers': [{'name': 'web', 'image': 'registry.example.com/web:1.%d' % (i % 50),
                                                        'ports': [{'containerPort': 8080}],
                                                        'resources': {'limits': {'cpu': '500m', 'memory': '256Mi'}}}]}}
    return ev


def dumps(o):
    return json.dumps(o, separators=(',', ':'))


def write_inputs(n, seed=1):
    os.makedirs(OUT, exist_ok=True)
    rnd = random.Random(seed)
    events = [event(i, rnd) for i in range(n)]
    files = {}
    # NDJSON Events (detector evaluate, the pass-through core)
    path = os.path.join(OUT, 'events-%d.ndjson' % n)
    with open(path, 'w') as f:
        for e in events:
            f.write(dumps(e) + '\n')
    files['events'] = path
    # EKS: `aws logs filter-log-events` output, one page of every event
    path = os.path.join(OUT, 'eks-filter-log-events-%d.json' % n)
    with open(path, 'w') as f:
        f.write('{"events":[')
        for i, e in enumerate(events):
            ms = T0 * 1000 + i * 10
            f.write(('' if i == 0 else ',') + dumps({'logStreamName': 'kube-apiserver-audit-%032x' % (i % 4), 'timestamp': ms,
                                                    'message': dumps(e), 'ingestionTime': ms + 900,
                                                    'eventId': '%056d' % i}))
        f.write('],"searchedLogStreams":[]}\n')
    files['eks'] = path
    # AKS: Event Hubs message bodies (Diagnostic Settings), 50 records each, one body per line
    path = os.path.join(OUT, 'aks-bodies-%d.ndjson' % n)
    rid = '/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PROD'
    with open(path, 'w') as f:
        for b in range(0, n, 50):
            recs = [{'operationName': 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read', 'category': 'kube-audit',
                     'ccpNamespace': '5f3c0000', 'resourceId': rid,
                     'properties': {'log': dumps(e) + '\n', 'stream': 'stdout', 'pod': 'kube-apiserver-7d9f-x2'},
                     'time': e['stageTimestamp']} for e in events[b:b + 50]]
            f.write(dumps({'records': recs}) + '\n')
    files['aks'] = path
    # OpenShift: ClusterLogForwarder 6.x records (Event + collector fields); a JSON array, and one array per line
    # (100 records: one Vector POST) for the receiver
    def ocp(e, i):
        r = dict(e)
        r.update({'@timestamp': e['stageTimestamp'], 'timestamp': e['stageTimestamp'], 'hostname': 'master-%d.ocp.example.com' % (i % 3),
                  'k8s_audit_level': e['level'], 'log_source': 'kubeAPI', 'log_type': 'audit',
                  'openshift': {'cluster_id': '5b1e4f0e-0000-4000-8000-000000000001', 'labels': {'cluster': 'ocp4-prod'}, 'sequence': 1748873343037316941 + i}})
        return r
    path = os.path.join(OUT, 'openshift-array-%d.json' % n)
    with open(path, 'w') as f:
        f.write('[')
        for i, e in enumerate(events):
            f.write(('' if i == 0 else ',') + dumps(ocp(e, i)))
        f.write(']\n')
    files['openshift'] = path
    path = os.path.join(OUT, 'openshift-bodies-%d.ndjson' % n)
    with open(path, 'w') as f:
        for b in range(0, n, 100):
            f.write(dumps([ocp(e, b + j) for j, e in enumerate(events[b:b + 100])]) + '\n')
    files['openshift-bodies'] = path
    # EKS Firehose: HTTP endpoint request bodies, each record a gzip'd CloudWatch subscription payload of 100 events
    path = os.path.join(OUT, 'firehose-bodies-%d.ndjson' % n)
    with open(path, 'w') as f:
        for b in range(0, n, 500):
            records = []
            for r in range(b, min(n, b + 500), 100):
                payload = {'messageType': 'DATA_MESSAGE', 'owner': '123456789012', 'logGroup': '/aws/eks/prod/cluster',
                           'logStream': 'kube-apiserver-audit-%032x' % 1, 'subscriptionFilters': ['auditbridge'],
                           'logEvents': [{'id': '%056d' % k, 'timestamp': T0 * 1000 + k * 10, 'message': dumps(events[k])}
                                         for k in range(r, min(n, r + 100))]}
                records.append({'data': base64.b64encode(gzip.compress(dumps(payload).encode(), 1)).decode()})
            f.write(dumps({'requestId': str(uuid.UUID(int=b)), 'timestamp': T0 * 1000, 'records': records}) + '\n')
    files['firehose-bodies'] = path
    # GKE: `gcloud logging read --format=json` output: a JSON array of LogEntries with an AuditLog protoPayload
    path = os.path.join(OUT, 'gke-entries-%d.json' % n)
    with open(path, 'w') as f:
        f.write('[')
        for i, e in enumerate(events):
            o = e['objectRef']
            group = o.get('apiGroup', 'core')
            rname = '%s/%s/namespaces/%s/%s/%s' % (group, o['apiVersion'], o['namespace'], o['resource'], o['name'])
            method = 'io.k8s.%s.%s.%s.%s' % (group if group != 'core' else 'core', o['apiVersion'], o['resource'], e['verb'])
            p = {'@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
                 'authenticationInfo': {'principalEmail': e['user']['username']},
                 'authorizationInfo': [{'granted': True, 'permission': method, 'resource': rname}],
                 'methodName': method, 'requestMetadata': {'callerIp': e['sourceIPs'][0], 'callerSuppliedUserAgent': e['userAgent']},
                 'resourceName': rname, 'serviceName': 'k8s.io', 'status': {}}
            if 'requestObject' in e:
                req = dict(e['requestObject'])
                req['@type'] = 'core.k8s.io/v1.Pod'
                p['request'] = req
            entry = {'insertId': e['auditID'], 'labels': dict(e['annotations']),
                     'logName': 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity',
                     'operation': {'first': True, 'id': e['auditID'], 'last': True, 'producer': 'k8s.io'},
                     'protoPayload': p, 'receiveTimestamp': e['stageTimestamp'],
                     'resource': {'labels': {'cluster_name': 'prod-1', 'location': 'europe-west1', 'project_id': 'acme-prod'}, 'type': 'k8s_cluster'},
                     'timestamp': e['stageTimestamp']}
            f.write(('' if i == 0 else ',') + dumps(entry))
        f.write(']\n')
    files['gke'] = path
    return files


# ---------------------------------------------------------------- process helpers
def java():
    out = subprocess.run(['bash', '-c', 'source .ci/select-jdk.sh >/dev/null && echo $JAVA_HOME'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(out, 'bin', 'java')


def run_measured(cmd):
    """Runs cmd under GNU time: wall and CPU seconds, max RSS (MiB) and exit code of that one process."""
    stats = os.path.join(OUT, 'time.txt')
    p = subprocess.run(['/usr/bin/time', '-q', '-o', stats, '-f', '%e %U %S %M'] + cmd, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall, user, sys_, rss = open(stats).read().split()[-4:]
    return {'wall': float(wall), 'cpu': float(user) + float(sys_), 'rss': int(rss) / 1024, 'rc': p.returncode,
            'err': p.stderr.decode(errors='replace')}


def run_rss_sampled(cmd, every=0.25):
    """Runs cmd and reads its resident set (VmRSS) every `every` seconds: wall seconds, exit code, RSS samples in MiB."""
    start = time.time()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    while p.poll() is None:
        try:
            with open('/proc/%d/status' % p.pid) as f:
                rss = [l for l in f if l.startswith('VmRSS:')]
            if rss:
                samples.append(int(rss[0].split()[1]) / 1024)
        except FileNotFoundError:
            break
        time.sleep(every)
    return {'wall': time.time() - start, 'rc': p.wait(), 'samples': samples}


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError('nothing listening on %d' % port)


def load_avg():
    return '%.2f %.2f %.2f' % os.getloadavg()


# ---------------------------------------------------------------- rows
def compare(label, n, cmd, base_cmd, runs, rows, before_each=None):
    ours, base = [], []
    for _ in range(runs):
        if before_each:
            before_each()
        r = run_measured(cmd)
        if r['rc'] != 0:
            raise RuntimeError('%s exited %d: %s' % (label, r['rc'], r['err'][-2000:]))
        ours.append(r['wall'])
        b = run_measured(base_cmd)
        if b['rc'] != 0:
            raise RuntimeError('baseline exited %d: %s' % (b['rc'], b['err'][-2000:]))
        base.append(b['wall'])
    mo, mb = statistics.median(ours), statistics.median(base)
    rows.append((label, '%.0f' % (n / mo), '%.0f' % (n / mb), '%.2f' % (mb / mo), 'median of %d, wall incl. JVM start' % runs))
    print(rows[-1], flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--events', type=int, default=200_000)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--only', default='')
    ap.add_argument('--skip-build', action='store_true')
    ap.add_argument('--receiver-java-opt', action='append', default=[],
                    help='JVM option for the receiver rows\' process (repeatable), e.g. -XX:StartFlightRecording=duration=60s,filename=x.jfr')
    ap.add_argument('--rules', default=os.path.join(ROOT, '..', 'shared', 'falco', 'k8s_audit_rules.yaml'))
    a = ap.parse_args()
    only = set(filter(None, a.only.split(',')))
    want = lambda row: not only or row in only
    jv = java()
    if not a.skip_build:
        subprocess.run(['bash', '-c', 'source .ci/select-jdk.sh >/dev/null && ./mvnw -B -q -o clean package -DskipTests '
                        '&& ./mvnw -B -q -o -pl bridge-core test-compile dependency:build-classpath '
                        '-Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test'], cwd=ROOT, check=True)
    cp = 'bridge-core/target/test-classes:bridge-core/target/classes:' + open(os.path.join(ROOT, 'bridge-core/target/bench-classpath.txt')).read().strip()
    jar = lambda m: [jv, '-jar', '%s/target/%s.jar' % (m, m)]
    # The polling runtime every `backfill` runs (BridgeRuntime.runPolling: source → pipeline → sink → checkpoint), fed
    # from a file instead of a cloud API: the providers' read quotas (CloudWatch FilterLogEvents 5 requests/s of ≤ 1 MB,
    # Cloud Logging entries.list) bound a real backfill far below this, so this row measures what our side sustains.
    checkpoint = os.path.join(OUT, 'backfill-checkpoint.json')
    file_bridge = lambda *args: [jv, '-cp', cp, 'io.auditbridge.core.testing.FileBridgeMain', 'run', '--metrics-port', '-1',
                                 '--checkpoint-file', checkpoint] + list(args)
    # every backfill run starts from the beginning (a checkpoint left by the run before would make it resume at the end)
    fresh_checkpoint = lambda: os.path.exists(checkpoint) and os.remove(checkpoint)
    baseline = lambda f: [jv, '-cp', cp, 'io.auditbridge.core.bench.JacksonBaseline', f]
    print('generating %d events per input…' % a.events, flush=True)
    files = write_inputs(a.events)
    n = a.events
    rows = []
    print('load average before: ' + load_avg(), flush=True)
    if want('translate-eks'):
        compare('EKS `translate` (FilterLogEvents output) → stdout', n, jar('bridge-eks') + ['translate', files['eks']], baseline(files['eks']), a.runs, rows)
    if want('translate-aks'):
        compare('AKS `translate` (Event Hubs bodies) → stdout', n, jar('bridge-aks') + ['translate', files['aks']], baseline(files['aks']), a.runs, rows)
    if want('translate-openshift'):
        compare('OpenShift `translate` (CLF 6.x array) → stdout', n, jar('bridge-openshift') + ['translate', files['openshift']], baseline(files['openshift']), a.runs, rows)
    if want('translate-gke'):
        compare('GKE `translate` (gcloud JSON) → stdout', n, jar('bridge-gke') + ['translate', files['gke']], baseline(files['gke']), a.runs, rows)
    hook = None
    try:
        if any(want(r) for r in ('translate-sink', 'backfill', 'receiver-openshift', 'receiver-firehose')):
            hp = free_port()
            hook = subprocess.Popen([jv, '-cp', cp, 'io.auditbridge.core.bench.AckWebhook', str(hp)], cwd=ROOT, stdout=subprocess.DEVNULL)
            wait_port(hp)
            sink = 'http://127.0.0.1:%d/k8s-audit' % hp
        if want('translate-sink'):
            compare('EKS `translate --sink URL` → loopback ack-only webhook', n,
                    jar('bridge-eks') + ['translate', '--sink', sink, files['eks']], baseline(files['eks']), a.runs, rows)
        if want('backfill'):
            compare('`backfill` runtime (NDJSON file source) → loopback ack-only webhook', n,
                    file_bridge('--input', files['events'], '--sink', sink), baseline(files['events']), a.runs, rows,
                    before_each=fresh_checkpoint)
        for row, module, args, body_file, headers in (
                ('receiver-openshift', 'bridge-openshift', ['run', '--allow-unauthenticated'], files['openshift-bodies'], []),
                ('receiver-firehose', 'bridge-eks', ['run', '--source', 'firehose', '--firehose-access-key-file', os.path.join(OUT, 'firehose.key')],
                 files['firehose-bodies'], ['X-Amz-Firehose-Access-Key: bench-key'])):
            if not want(row):
                continue
            with open(os.path.join(OUT, 'firehose.key'), 'w') as f:
                f.write('bench-key')
            results = []
            for _ in range(a.runs):
                port = free_port()
                rx = subprocess.Popen(jar(module)[:1] + a.receiver_java_opt + jar(module)[1:] + args + ['--listen-port', str(port), '--sink', sink, '--metrics-port', '0'],
                                      cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(os.path.join(OUT, row + '.log'), 'w'))
                try:
                    wait_port(port)
                    path = '/firehose' if row == 'receiver-firehose' else '/openshift/audit'
                    out = subprocess.run([jv, '-cp', cp, 'io.auditbridge.core.bench.PostLoad', 'http://127.0.0.1:%d%s' % (port, path),
                                          body_file, '16'] + headers, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
                    if out[2] != '0':
                        raise RuntimeError('%s: %s requests failed' % (row, out[2]))
                    results.append(float(out[0]))
                finally:
                    rx.terminate()
                    rx.wait()
            b = [run_measured(baseline(body_file))['wall'] for _ in range(a.runs)]
            m = statistics.median(results)
            rows.append(('%s receiver → loopback webhook (16 concurrent senders)' % row.split('-')[1], '%.0f' % (n / m),
                         '%.0f' % (n / statistics.median(b)), '%.2f' % (statistics.median(b) / m), 'median of %d, from first request to last 2xx' % a.runs))
            print(rows[-1], flush=True)
    finally:
        if hook:
            hook.terminate()
    if want('evaluate'):
        upstream = os.path.exists(a.rules)
        rules_args = ['--rules', a.rules] if upstream else []
        ours, cpus, base = [], [], []
        for _ in range(a.runs):
            r = run_measured(jar('detector') + ['evaluate'] + rules_args + [files['events']])
            if r['rc'] not in (0,):
                raise RuntimeError('evaluate exited %d: %s' % (r['rc'], r['err'][-2000:]))
            ours.append(r['wall'])
            cpus.append(r['cpu'])
            base.append(run_measured(baseline(files['events']))['wall'])
        rows.append(('`detector evaluate`, %s rules (events per CPU-second)' % ('upstream Falco' if upstream else 'bundled'), '%.0f' % (n / statistics.median(cpus)),
                     '%.0f' % (n / statistics.median(base)), '%.2f' % (statistics.median(base) / statistics.median(ours)),
                     'median of %d; wall %.0f events/s' % (a.runs, n / statistics.median(ours))))
        print(rows[-1], flush=True)
    if want('heap-1m'):
        big = write_inputs(1_000_000, seed=2) if n != 1_000_000 else files
        for label, cmd in (('translate (EKS page, 1M events)', jar('bridge-eks') + ['translate', big['eks']]),
                           ('evaluate (1M events)', jar('detector') + ['evaluate', big['events']]),
                           ('backfill runtime (1M generated events, console sink)', file_bridge('--generate', '1000000', '--sink', 'console'))):
            cmd = [cmd[0], '-Xmx256m'] + cmd[1:]
            fresh_checkpoint()
            r = run_rss_sampled(cmd)
            rss = r['samples'] or [0]
            # RSS at each tenth of the run: flat after warm-up means the input's size does not show in memory.
            tenths = ' '.join('%.0f' % rss[min(len(rss) - 1, len(rss) * k // 10)] for k in range(1, 11))
            rows.append(('%s under -Xmx256m' % label, 'exit %d' % r['rc'], '', '',
                         'max RSS %.0f MiB, %.1f s; RSS (MiB) at each tenth of the run: %s' % (max(rss), r['wall'], tenths)))
            print(rows[-1], flush=True)
    print('\nload average after: ' + load_avg())
    print('\n| path | events/s | Jackson baseline events/s | ratio | how |\n|---|---|---|---|---|')
    for r in rows:
        print('| %s |' % ' | '.join(r))


if __name__ == '__main__':
    main()

# Timing-sensitive TCP upper-case echo servers, written as students write them
# (python3 servers.py MODE PORT). Each one's verdicts must not depend on timing.
#   forgot-close  the textbook server with connectionSocket.close() forgotten: CPython closes
#                 the old socket only when the next accept() rebinds the name
#   serial        one client at a time, read to EOF, reply, close (correct otherwise)
#   one-client    serves its first client, then exits
#   slow          a thread per client, each reply 600 ms late
import socket
import sys
import threading
import time

mode, port = sys.argv[1], int(sys.argv[2])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', port))
server.listen(64)
print(f'{mode}: listening on {port}', flush=True)


def read_all(conn):
    chunks = []
    while True:
        data = conn.recv(4096)
        if not data:
            return b''.join(chunks)
        chunks.append(data)


def upper(data):
    return data.decode('utf-8', 'replace').upper().encode('utf-8')


if mode == 'forgot-close':
    while True:
        connectionSocket, addr = server.accept()
        sentence = connectionSocket.recv(1024).decode()
        connectionSocket.send(sentence.upper().encode())
elif mode == 'serial':
    while True:
        conn, _ = server.accept()
        try:
            conn.sendall(upper(read_all(conn)))
        except OSError:
            pass
        conn.close()
elif mode == 'one-client':
    conn, _ = server.accept()
    conn.sendall(upper(read_all(conn)))
    conn.close()
    sys.exit(0)
elif mode == 'slow':
    def serve(conn):
        try:
            data = read_all(conn)
            time.sleep(0.6)
            conn.sendall(upper(data))
        except OSError:
            pass
        conn.close()
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()

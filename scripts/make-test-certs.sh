#!/usr/bin/env bash
# Generates the certificates of the mutual-TLS tests into DIR with the openssl
# CLI, idempotently (files already there are kept):
#
#   scripts/make-test-certs.sh DIR
#
#   ca.pem, ca.key                  the CA nodes and clients trust
#   node.pem, node.key              the node's certificate, signed by ca
#   client.pem, client.key          a client's certificate, signed by ca
#   other-ca.pem, other-ca.key      a second CA nobody trusts
#   other-client.pem, .key          a client certificate signed by other-ca
#   expired-client.pem, .key        a client certificate signed by ca, expired in 2020
#
# Leaf certificates: CN=localhost, subjectAltName DNS:localhost,IP:127.0.0.1.
# RSA 2048 keys, unencrypted: test material, never for production.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"

days=3650
san="subjectAltName=DNS:localhost,IP:127.0.0.1"

# make_ca NAME: NAME.key + a self-signed NAME.pem.
make_ca() {
  local name=$1
  [ -s "$name.pem" ] && [ -s "$name.key" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.pem" \
    -days "$days" -subj "/CN=warden test $name" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
}

# make_leaf NAME CA: NAME.key + NAME.pem signed by CA, valid now.
make_leaf() {
  local name=$1 ca=$2
  [ -s "$name.pem" ] && [ -s "$name.key" ] && return 0
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days "$days" -extfile <(printf '%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san") \
    -out "$name.pem" 2>/dev/null
  rm -f "$name.csr"
}

# make_expired NAME CA: like make_leaf, valid from 2019 to 2020 (openssl ca
# sets past dates; openssl x509 -req in OpenSSL 3.0 cannot).
make_expired() {
  local name=$1 ca=$2
  [ -s "$name.pem" ] && [ -s "$name.key" ] && return 0
  local work
  work=$(mktemp -d)
  touch "$work/index.txt"
  cat >"$work/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = leaf
[any]
commonName = supplied
[leaf]
$san
extendedKeyUsage = serverAuth,clientAuth
EOF
  openssl rand -hex 8 >"$work/serial"
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$work/$name.csr" \
    -subj "/CN=localhost" 2>/dev/null
  openssl ca -batch -notext -config "$work/ca.cnf" -cert "$ca.pem" -keyfile "$ca.key" \
    -startdate 20190101000000Z -enddate 20200101000000Z -in "$work/$name.csr" \
    -out "$name.pem" 2>/dev/null
  rm -rf "$work"
}

make_ca ca
make_leaf node ca
make_leaf client ca
make_ca other-ca
make_leaf other-client other-ca
make_expired expired-client ca

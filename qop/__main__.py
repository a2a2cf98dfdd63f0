from qop.cli import main

main()

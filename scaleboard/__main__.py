from scaleboard.cli import main

main()

from exercise.cli import main

main()

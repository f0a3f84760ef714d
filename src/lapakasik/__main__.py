from lapakasik.manage import main

main()

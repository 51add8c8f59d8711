# -DCPSIM_SANITIZE=address,undefined (CI runs the whole suite so) or =thread.
if(CPSIM_SANITIZE)
  add_compile_options(-fsanitize=${CPSIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CPSIM_SANITIZE})
endif()
